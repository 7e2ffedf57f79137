import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, SHOPPER, signIn } from './helpers';

// Every page audited with axe-core's WCAG 2.1 A and AA rules, in Chromium, once it has hydrated
// and shows its data. A serious or critical violation fails the test, with the rule, the
// elements and axe's own explanation.

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

type Violation = { id: string; impact: string; help: string; nodes: { target: string[]; failureSummary: string }[] };

async function expectAccessible(page: Page, what: string) {
  // Evaluated over the DevTools protocol, so the page's CSP (which would refuse an injected
  // script) does not apply and the page itself is audited unchanged.
  await page.evaluate(axeSource);
  const violations: Violation[] = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations;
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary}`).join('\n')}`)
    .join('\n');
  expect(serious, `${what}:\n${report}`).toEqual([]);
}

test('the pages a visitor sees before signing in have no serious WCAG 2.1 A/AA violation', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('main').getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expectAccessible(page, 'the landing page');

  await page.goto('/login');
  const signInButton = page.getByRole('main').getByRole('button', { name: 'Sign in' });
  await expect(signInButton).toBeEnabled();
  await expectAccessible(page, '/login');

  await signInButton.click();
  await expect(page.getByLabel('Email address')).toBeVisible();
  await expectAccessible(page, "the tenant's sign-in form");

  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectAccessible(page, 'the not-found page');
});

test("a shopper's pages have no serious WCAG 2.1 A/AA violation", async ({ page }) => {
  await signIn(page, SHOPPER);
  await expect(page.getByRole('status').filter({ hasText: '60 products' })).toBeVisible();
  await expectAccessible(page, '/products');

  await page.getByRole('list', { name: 'Products' }).getByRole('link').first().click();
  await expect(page.getByRole('list', { name: 'Recommended for you' }).getByRole('heading')).toHaveCount(4);
  await expectAccessible(page, 'a product');

  await page.goto('/profile');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByText(SHOPPER).first()).toBeVisible();
  await expectAccessible(page, '/profile');
});

test('the staff page has no serious WCAG 2.1 A/AA violation', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto('/admin/products');
  await expect(page.getByRole('button', { name: 'Save' }).first()).toBeVisible();
  await expectAccessible(page, '/admin/products');
});
