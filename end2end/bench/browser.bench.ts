import { expect, test } from '@playwright/test';
import { PASSWORD, SHOPPER } from '../tests/helpers';

const FIRST_LOAD_BUDGET_BYTES = 200 * 1024;
const SIGN_IN_BUDGET_MS = 1000;
const RUNS = 9;

test('first-load transfer and sign-in round trip', async ({ page, browser }) => {
  // First visit in a fresh context: what crosses the wire for the app's own files.
  const fresh = await browser.newContext();
  const first = await fresh.newPage();
  const transfers: { url: string; bytes: number }[] = [];
  first.on('requestfinished', async (request) => {
    const url = new URL(request.url());
    if (!/\.(wasm|js|css)$/.test(url.pathname)) return;
    const sizes = await request.sizes();
    transfers.push({ url: url.pathname, bytes: sizes.responseBodySize + sizes.responseHeadersSize });
  });
  await first.goto('/login');
  await expect(first.getByRole('main').getByRole('button', { name: 'Sign in' })).toBeEnabled();
  await first.waitForLoadState('networkidle');
  const total = transfers.reduce((sum, t) => sum + t.bytes, 0);
  for (const t of transfers) console.log(`first load: ${t.url} ${(t.bytes / 1024).toFixed(1)} KB`);
  console.log(`first load total: ${(total / 1024).toFixed(1)} KB (budget ${FIRST_LOAD_BUDGET_BYTES / 1024} KB)`);
  await fresh.close();

  // Sign in once through the form; later sign-ins reuse the tenant's session, as a returning
  // shopper's do. Each run: from the click on "Sign in" to the product list painted.
  const timings: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    await page.evaluate(() => localStorage.clear()).catch(() => {});
    await page.goto('/login');
    const button = page.getByRole('main').getByRole('button', { name: 'Sign in' });
    await expect(button).toBeEnabled();
    const started = Date.now();
    await button.click();
    if (run === 0) {
      await page.getByLabel('Email address').fill(SHOPPER);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Continue' }).click();
    }
    await expect(page.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();
    if (run > 0) timings.push(Date.now() - started);
  }
  timings.sort((a, b) => a - b);
  const median = timings[Math.floor(timings.length / 2)];
  console.log(`sign-in round trip: median ${median} ms over ${timings.length} runs (min ${timings[0]}, max ${timings[timings.length - 1]}; budget ${SIGN_IN_BUDGET_MS} ms)`);

  expect(total, 'first-load transfer within budget').toBeLessThanOrEqual(FIRST_LOAD_BUDGET_BYTES);
  expect(median, 'sign-in round trip within budget').toBeLessThanOrEqual(SIGN_IN_BUDGET_MS);
});
