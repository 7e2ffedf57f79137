import { expect, test } from '@playwright/test';
import { tenantOrigin } from '../playwright.config';
import { SHOPPER, signIn, storedAccessToken, submitTenantForm } from './helpers';

test('the demo shopper signs in through the real pages and sees the products', async ({ page }) => {
  await page.goto('/login');
  // The button is enabled once the page has hydrated; Playwright waits for that.
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();

  await expect(page).toHaveURL(new RegExp(`^${tenantOrigin}/authorize\\?`));
  const authorize = new URL(page.url());
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('client_id')).toBe('aura-spa');
  expect(authorize.searchParams.get('scope')).toContain('offline_access');

  await submitTenantForm(page, SHOPPER);

  await expect(page).toHaveURL(/\/products$/);
  await expect(page.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sam Shopper' })).toBeVisible();

  // The access token is stored raw, ready to paste into curl.
  const token = await storedAccessToken(page);
  expect(token?.split('.')).toHaveLength(3);
  // The sign-in transaction is gone once used.
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

  // A reload keeps the shopper signed in.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Polar Trail Bottle' })).toBeVisible();
});

test('a token the server refuses is a 401, and the shopper is asked to sign in again', async ({ page }) => {
  const statuses: number[] = [];
  page.on('response', (response) => {
    if (response.url().includes('/fn/get_products')) statuses.push(response.status());
  });
  await page.goto('/');
  // A token that looks current to the browser but was never signed by the tenant, and no
  // refresh token to recover with.
  await page.evaluate(() => {
    const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const forged = [
      b64({ alg: 'RS256', typ: 'JWT', kid: 'forged' }),
      b64({ sub: 'auth0|forger', aud: 'https://api.auracommerce.com', exp: Math.floor(Date.now() / 1000) + 3600, permissions: ['read:products'] }),
      'c2lnbmF0dXJl',
    ].join('.');
    localStorage.setItem('auth0_access_token', forged);
  });
  await page.goto('/products');

  await expect(page).toHaveURL(/\/login\?returnTo=%2Fproducts&reason=expired$/);
  await expect(page.getByRole('status')).toHaveText('Your session has ended. Please sign in again.');
  expect(statuses).toEqual([401]);
  expect(await storedAccessToken(page)).toBeNull();
});

test('the shopper searches, opens a product with its recommendations, and signs out', async ({ page }) => {
  await signIn(page);
  await page.getByLabel('Search products').fill('wool socks');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/[?&]q=wool(\+|%20)socks/);
  const first = page.getByRole('list', { name: 'Products' }).getByRole('link').first();
  const name = (await first.textContent())?.trim() ?? '';
  expect(name).not.toBe('');
  await first.click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Recommended for you' }).getByRole('heading').first()).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();
  expect(await storedAccessToken(page)).toBeNull();
});
