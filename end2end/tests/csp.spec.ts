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
