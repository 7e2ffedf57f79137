import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

test('sign-in, browsing and sign-out run with no CSP violation and no console error', async ({ page }) => {
  const problems: string[] = [];
  await page.exposeFunction('reportViolation', (text: string) => problems.push(`CSP: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { reportViolation: (t: string) => void }).reportViolation(
        `${e.violatedDirective} blocked ${e.blockedURI} on ${document.location.href}`,
      ),
    );
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));

  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();
  await page.getByRole('link', { name: 'Sam Shopper' }).click();
  await expect(page.locator('[data-field="email"]')).toHaveText('shopper@aura.test');
  await page.getByRole('link', { name: 'Products' }).click();
  await expect(page.getByRole('heading', { name: 'Polar Trail Bottle' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible();

  expect(problems).toEqual([]);
});

test('a same-origin <script src> injected into a page without the nonce does not run, and the page still works', async ({ page }) => {
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { reportViolation: (t: string) => void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  // A file of this origin that would announce itself if it ran (as an upload or a generated
  // script route could be one day)...
  await page.route('**/uploads/injected.js', (route) =>
    route.fulfill({ contentType: 'text/javascript', body: 'window.__injectedRan = true;' }),
  );
  // ...named by a tag that got into the page's HTML (an injection), with the real CSP header.
  await page.route('**/login', async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace('</head>', '<script src="/uploads/injected.js"></script></head>');
    await route.fulfill({ response, body: html });
  });

  await page.goto('/login');
  await expect(page.getByRole('main').getByRole('button', { name: 'Sign in' })).toBeEnabled();
  await expect.poll(() => violations).toContainEqual(expect.stringMatching(/^script-src-elem .*\/uploads\/injected\.js$/));
  expect(await page.evaluate(() => (window as unknown as { __injectedRan?: boolean }).__injectedRan)).toBeUndefined();
});
