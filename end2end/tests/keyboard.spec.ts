import { expect, test, type Locator, type Page } from '@playwright/test';
import { ADMIN, PASSWORD, SHOPPER } from './helpers';

// Everything a shopper and staff do, done with the keyboard alone: Tab to a control, type,
// Enter. Each control reached must show where the focus is (an outline that is not `none`), as
// the :focus-visible rule in style/main.css draws it.

const MAX_TABS = 80;

/** Presses Tab until `target` has the focus (wrapping past the end of the page if it must). */
async function tabTo(page: Page, target: Locator) {
  const element = await target.elementHandle();
  if (!element) throw new Error(`nothing to tab to: ${target}`);
  for (let presses = 0; presses <= MAX_TABS; presses++) {
    if (await element.evaluate((node) => node === document.activeElement)) {
      const focus = await element.evaluate((node) => {
        const style = getComputedStyle(node);
        return { visible: node.matches(':focus-visible'), outline: style.outlineStyle, width: style.outlineWidth };
      });
      expect(focus.visible, `${target} is focused but not :focus-visible`).toBe(true);
      expect(focus.outline, `${target} shows no focus outline`).not.toBe('none');
      expect(parseFloat(focus.width), `${target} shows no focus outline`).toBeGreaterThan(0);
      return;
    }
    await page.keyboard.press('Tab');
  }
  throw new Error(`${target} was not reached in ${MAX_TABS} presses of Tab`);
}

async function signInWithKeyboard(page: Page, email: string) {
  await page.goto('/login');
  const signIn = page.getByRole('main').getByRole('button', { name: 'Sign in' });
  await expect(signIn).toBeEnabled();
  await tabTo(page, signIn);
  await page.keyboard.press('Enter');
  const emailInput = page.getByLabel('Email address');
  await expect(emailInput).toBeVisible();
  await tabTo(page, emailInput);
  await page.keyboard.type(email);
  await tabTo(page, page.getByLabel('Password'));
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('link', { name: /Sam Shopper|Ada Admin/ })).toBeVisible();
}

test('a shopper signs in, pages, searches and picks a category with the keyboard alone', async ({ page }) => {
  await signInWithKeyboard(page, SHOPPER);
  await expect(page).toHaveURL(/\/products$/);
  await expect(page.getByRole('status').filter({ hasText: '60 products · page 1 of 5' })).toBeVisible();

  await tabTo(page, page.getByRole('link', { name: 'Next page' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/products\?page=2$/);
  await expect(page.getByRole('status').filter({ hasText: '60 products · page 2 of 5' })).toBeVisible();

  await tabTo(page, page.getByLabel('Search products'));
  await page.keyboard.type('wool');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/products\?q=wool$/);
  await expect(page.getByRole('heading', { name: 'Glacier Wool Hiking Socks' })).toBeVisible();

  await tabTo(page, page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'Home' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/products\?q=wool&category=Home$/);
  await expect(page.getByRole('heading', { name: 'Aspen Wool Slippers' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Glacier Wool Hiking Socks' })).toHaveCount(0);
});

test('staff find a product and save its stock with the keyboard alone', async ({ page }) => {
  await signInWithKeyboard(page, ADMIN);
  await tabTo(page, page.getByRole('link', { name: 'Prices & stock' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/admin\/products$/);

  await tabTo(page, page.getByLabel('Find a product'));
  await page.keyboard.type('foam roller');
  const form = page.getByRole('form', { name: 'Edit Vale Foam Roller' });
  await expect(page.getByRole('list', { name: 'Products to edit' }).getByRole('form')).toHaveCount(1);
  const stock = form.getByLabel('Stock');
  await tabTo(page, stock);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('42');
  await tabTo(page, form.getByRole('button', { name: 'Save' }));
  await page.keyboard.press('Enter');
  await expect(form.getByRole('status')).toHaveText(/^Saved: \$[0-9.]+, 42 in stock\.$/);
});
