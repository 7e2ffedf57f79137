import { expect, test } from '@playwright/test';
import { tenantOrigin } from '../playwright.config';

const SHOPPER = { email: 'shopper@aura.test', password: 'aura-demo' };

test('the demo shopper signs in through the real pages and sees the products', async ({ page }) => {
  await page.goto('/login');
  // The button is enabled once the page has hydrated; Playwright waits for that.
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();

  await expect(page).toHaveURL(new RegExp(`^${tenantOrigin}/authorize\\?`));
  const authorize = new URL(page.url());
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('client_id')).toBe('aura-spa');

  await page.getByLabel('Email address').fill(SHOPPER.email);
  await page.getByLabel('Password').fill(SHOPPER.password);
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page).toHaveURL(/\/products$/);
  await expect(page.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();

  // The access token is stored raw, ready to paste into curl.
  const token = await page.evaluate(() => localStorage.getItem('auth0_access_token'));
  expect(token?.split('.')).toHaveLength(3);
  // The sign-in transaction is gone once used.
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

  // A reload keeps the shopper signed in.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Polar Trail Bottle' })).toBeVisible();
});

test('without a token the catalogue explains how to sign in instead of failing', async ({ page }) => {
  const responses: number[] = [];
  page.on('response', (response) => {
    if (response.url().includes('/fn/get_products')) responses.push(response.status());
  });
  await page.goto('/products');
  await expect(page.getByRole('alert')).toContainText('You are not signed in');
  await expect(page.getByRole('alert').getByRole('link', { name: 'Sign in' })).toHaveAttribute(
    'href',
    '/login?returnTo=/products',
  );
  expect(responses).toEqual([401]);
});
