import { expect, test, type Route } from '@playwright/test';
import { tenantOrigin } from '../playwright.config';
import { SHOPPER, signIn, storedAccessToken, submitTenantForm } from './helpers';

// The e2e tenant issues 12-second access tokens (end2end/tenant-e2e.json); the browser
// refreshes a quarter of the lifetime before expiry.

test('an expiring access token is renewed without the shopper noticing', async ({ page }) => {
  await signIn(page);
  const first = await storedAccessToken(page);
  const firstRefresh = await page.evaluate(() => localStorage.getItem('auth0_refresh_token'));

  await expect.poll(() => storedAccessToken(page), { timeout: 20_000 }).not.toBe(first);
  // The refresh token rotated too.
  expect(await page.evaluate(() => localStorage.getItem('auth0_refresh_token'))).not.toBe(firstRefresh);

  // Still signed in, and the server accepts the new token.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();
  await expect(page).toHaveURL(/\/products$/);
});

test('a dead refresh token sends the shopper to sign in again with a message', async ({ page }) => {
  await signIn(page);
  // Revoked elsewhere: the tenant no longer knows this refresh token, and the access token is
  // past its time (the browser believes it is due now).
  await page.evaluate(() => {
    localStorage.setItem('auth0_refresh_token', 'revoked-refresh-token');
    localStorage.setItem('auth0_refresh_at', '0');
  });
  await page.reload();
  await expect(page).toHaveURL(/\/login\?returnTo=%2Fproducts&reason=expired$/);
  await expect(page.getByRole('status')).toHaveText('Your session has ended. Please sign in again.');
  expect(await storedAccessToken(page)).toBeNull();
});

test('two tabs stay signed in through a refresh, and sign-out in one signs out the other', async ({ context, page }) => {
  const refreshes: string[] = [];
  context.on('request', (request) => {
    if (request.url() === `${tenantOrigin}/oauth/token` && request.postData()?.includes('grant_type=refresh_token')) {
      refreshes.push(request.postData() ?? '');
    }
  });
  await signIn(page);
  const other = await context.newPage();
  await other.goto('/products');
  await expect(other.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();

  const before = await storedAccessToken(page);
  await expect.poll(() => storedAccessToken(other), { timeout: 20_000 }).not.toBe(before);
  // Both tabs had a timer; only one of them spent the refresh token.
  expect(refreshes).toHaveLength(1);

  // Both still work with the shared, renewed tokens.
  await other.reload();
  await expect(other.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(other).toHaveURL(/\/login\?returnTo=%2Fproducts&reason=signin$/);
  await expect(other.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toHaveCount(0);
});

test('a tampered state shows an error page and stores nothing', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`^${tenantOrigin}/authorize`));
  // Back to the app with a state this tab never made.
  await page.goto('/callback?code=stolen-code&state=tampered');
  await expect(page.getByRole('alert')).toContainText('does not match the sign-in this tab started');
  await expect(page.getByRole('link', { name: 'Sign in again' })).toHaveAttribute('href', '/login');
  expect(await storedAccessToken(page)).toBeNull();
});

// The code exchange fails: the tenant cannot be reached, or it refuses the code. The shopper
// signs in for real; only the browser's POST to /oauth/token is answered by the test.
const exchangeFailures: [string, (route: Route, appOrigin: string) => Promise<void>, string][] = [
  ['the tenant cannot be reached', (route) => route.abort('connectionrefused'), 'The sign-in service could not be reached'],
  ['the tenant refuses the code', (route, appOrigin) => route.fulfill({
    status: 403,
    contentType: 'application/json',
    headers: { 'Access-Control-Allow-Origin': appOrigin },
    body: JSON.stringify({ error: 'invalid_grant', error_description: 'Invalid authorization code' }),
  }), 'The sign-in could not be completed: Invalid authorization code'],
];
for (const [name, answer, message] of exchangeFailures) {
  test(`at the code exchange ${name}: an error page, a way back, and nothing stored`, async ({ page }) => {
    await page.goto('/login');
    const appOrigin = new URL(page.url()).origin;
    await page.route(`${tenantOrigin}/oauth/token`, (route) => answer(route, appOrigin));
    await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
    await submitTenantForm(page, SHOPPER);
    await expect(page.getByRole('alert')).toContainText(message);
    await expect(page.getByRole('link', { name: 'Sign in again' })).toHaveAttribute('href', '/login');
    expect(await storedAccessToken(page)).toBeNull();
  });
}

test('opening the callback a second time is refused', async ({ page }) => {
  // The very callback address the tenant sent the browser to, code and state included.
  const callback = page.waitForRequest((request) => new URL(request.url()).pathname === '/callback');
  await signIn(page);
  const used = (await callback).url();
  expect(new URL(used).searchParams.get('code')).toBeTruthy();
  await page.goto(used);
  await expect(page.getByRole('alert')).toContainText('already used');
});

test('returnTo brings the shopper back, and an open redirect is refused', async ({ page }) => {
  await page.goto('/profile');
  await expect(page).toHaveURL(/\/login\?returnTo=%2Fprofile&reason=signin$/);
  await expect(page.getByRole('status')).toHaveText('Sign in to see this page.');
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await submitTenantForm(page, SHOPPER);
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.locator('[data-field="email"]')).toHaveText(SHOPPER);
  await expect(page.locator('[data-field="permissions"]')).toHaveText('read:products');

  // The tenant remembers the shopper now, so this sign-in goes straight through.
  await page.goto('/login?returnTo=//evil.example/steal');
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/products$/);
});

test('after sign-out, the back button shows no products', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/login\?/);
  await expect(page.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toHaveCount(0);
});

test('a sign-in cancelled at the tenant shows its page with a way back', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(/\/callback\?error=access_denied/);
  await expect(page.getByRole('alert')).toContainText('Sign-in was cancelled or refused');
  await page.getByRole('link', { name: 'Sign in again' }).click();
  await expect(page).toHaveURL(/\/login$/);
  expect(await storedAccessToken(page)).toBeNull();
});

test('the profile page shows the tokens and refreshes on demand', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Sam Shopper' }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.locator('[data-field="name"]')).toHaveText('Sam Shopper');
  await expect(page.locator('[data-field="aud"]')).toContainText('https://api.auracommerce.com');
  // Tokens minted within the same second can be identical, but the refresh token rotates on
  // every use: that is the sign of a refresh.
  const refreshToken = () => page.evaluate(() => localStorage.getItem('auth0_refresh_token'));
  const before = await refreshToken();
  await page.getByRole('button', { name: 'Refresh now' }).click();
  await expect.poll(refreshToken, { timeout: 3_000 }).not.toBe(before);
  await expect(page.locator('[data-field="expires-in"]')).toHaveText(/^0 min 1[0-2] s$/);
});

test("an error callback without this tab's state shows a fixed message and keeps the sign-in", async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  // The tenant's form is showing; the tab's sign-in transaction is pending.
  await expect(page.getByLabel('Email address')).toBeVisible();
  const appOrigin = new URL(page.url()).searchParams.get('redirect_uri')!.replace(/\/callback$/, '');
  const state = new URL(page.url()).searchParams.get('state')!;

  await page.goto(`${appOrigin}/callback?error=access_denied&error_description=Call%20%2B1%20555%200100%20now&state=forged`);
  await expect(page.getByRole('alert')).toContainText('does not belong to this tab');
  await expect(page.getByRole('alert')).not.toContainText('555');

  // The sign-in this tab started still completes.
  await page.goBack();
  await submitTenantForm(page, SHOPPER);
  await expect(page).toHaveURL(/\/products$/);
  expect(new URL(page.url()).searchParams.get('state')).toBeNull();
  expect(state).toBeTruthy();
  expect(await storedAccessToken(page)).not.toBeNull();
});

test('sign-out revokes the refresh token: a copy taken before is refused', async ({ page, request }) => {
  await signIn(page);
  const copied = await page.evaluate(() => localStorage.getItem('auth0_refresh_token'));
  expect(copied).toBeTruthy();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);

  const reuse = await request.post(`${tenantOrigin}/oauth/token`, {
    form: { grant_type: 'refresh_token', client_id: 'aura-spa', refresh_token: copied! },
  });
  expect(reuse.status()).toBe(403);
  expect((await reuse.json()).error).toBe('invalid_grant');
});
