import { expect, test, type Page } from '@playwright/test';
import { ADMIN, SHOPPER, signIn } from './helpers';

// The catalogue as a shopper and as staff use it. The app runs on a freshly seeded database
// (see playwright.config.ts). Screenshots for review go to end2end/artifacts/.

const cardHeadings = (page: Page) => page.getByRole('list', { name: 'Products' }).getByRole('heading');

test('a shopper searches, filters, sorts, pages and opens a product; a shared link shows the same', async ({ context, page }) => {
  await signIn(page, SHOPPER);
  await expect(page).toHaveURL(/\/products$/);
  await expect(page.getByRole('status').filter({ hasText: '60 products' })).toBeVisible();

  // Search.
  await page.getByLabel('Search products').fill('wool');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/products\?q=wool$/);
  await expect(page.getByText(/products? matching “wool”/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Nordlys Wool Throw' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Glacier Wool Hiking Socks' })).toBeVisible();

  // Filter by category, keeping the search.
  await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'Home' }).click();
  await expect(page).toHaveURL(/\/products\?q=wool&category=Home$/);
  await expect(page.getByRole('heading', { name: 'Aspen Wool Slippers' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Glacier Wool Hiking Socks' })).toHaveCount(0);

  // Back and forward move through the same states.
  await page.goBack();
  await expect(page).toHaveURL(/\/products\?q=wool$/);
  await expect(page.getByRole('heading', { name: 'Glacier Wool Hiking Socks' })).toBeVisible();
  await page.goForward();
  await expect(page.getByRole('heading', { name: 'Glacier Wool Hiking Socks' })).toHaveCount(0);

  // No results.
  await page.getByLabel('Search products').fill('zeppelin');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('0 products matching “zeppelin” in Home')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No products found' })).toBeVisible();
  await page.getByRole('link', { name: 'Show all products' }).click();
  await expect(page).toHaveURL(/\/products$/);

  // Sort and page.
  await page.getByLabel('Sort by').selectOption({ label: 'Price: low to high' });
  await expect(page).toHaveURL(/\/products\?sort=price_asc$/);
  await expect(cardHeadings(page).first()).toHaveText('Cedar Cable Tidy');
  await page.getByRole('link', { name: 'Next page' }).click();
  await expect(page).toHaveURL(/\/products\?sort=price_asc&page=2$/);
  await expect(page.getByText('60 products · page 2 of 5')).toBeVisible();
  const pageTwo = await cardHeadings(page).allTextContents();
  expect(pageTwo).toHaveLength(12);

  // The link, opened in a new tab, shows the same results.
  const shared = await context.newPage();
  await shared.goto(page.url());
  await expect(shared.getByText('60 products · page 2 of 5')).toBeVisible();
  await expect(cardHeadings(shared)).toHaveText(pageTwo);
  await expect(shared.getByLabel('Sort by')).toHaveValue('price_asc');
  await shared.close();

  // Open a product.
  await page.getByRole('link', { name: pageTwo[0] }).click();
  await expect(page).toHaveURL(/\/products\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: pageTwo[0] })).toBeVisible();
  await expect(page.locator('[data-field="stock"]')).toHaveText(/In stock|Only \d+ left|Out of stock/);
  const picture = page.getByRole('img', { name: `Picture of ${pageTwo[0]}` });
  await expect(picture).toBeVisible();
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  // Related products, ranked by the recommendation service.
  const related = page.getByRole('list', { name: 'Recommended for you' }).getByRole('heading');
  await expect(related).toHaveCount(4);
  expect(await related.allTextContents()).not.toContain(pageTwo[0]);

  // An unknown product says so.
  await page.goto('/products/9999');
  await expect(page.getByRole('heading', { name: 'Product not found' })).toBeVisible();
});

test('a link with a bad parameter explains which one', async ({ page }) => {
  await signIn(page, SHOPPER);
  await page.goto('/products?sort=cheapest');
  await expect(page.getByRole('alert')).toContainText('sort:');
  await expect(page.getByRole('alert')).toContainText("'cheapest' is not a sort order");
});

test('staff change a price and the shopper sees it', async ({ browser }) => {
  const staff = await browser.newPage();
  await signIn(staff, ADMIN);
  await staff.getByRole('link', { name: 'Prices & stock' }).click();
  const form = staff.getByRole('form', { name: 'Edit Polar Trail Bottle' });
  await form.getByLabel('Price (USD)').fill('31.75');
  await form.getByLabel('Stock').fill('4');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('status')).toHaveText('Saved: $31.75, 4 in stock.');
  // The change is in the log, with who made it.
  await staff.getByText('Recent changes').click();
  const logged = staff.getByRole('row').filter({ hasText: 'Polar Trail Bottle' });
  await expect(logged).toContainText('$29.00 → $31.75');
  await expect(logged).toContainText('120 → 4');
  await expect(logged).toContainText('auth0|');

  // Invalid values are refused with a message, before anything is sent.
  await form.getByLabel('Price (USD)').fill('-2');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('status')).toHaveText('The price cannot be negative.');
  await expect(form.getByLabel('Price (USD)')).toHaveAttribute('aria-invalid', 'true');
  await staff.close();

  const shopper = await browser.newPage();
  await signIn(shopper, SHOPPER);
  await shopper.getByRole('heading', { name: 'Polar Trail Bottle' }).getByRole('link').click();
  await expect(shopper.locator('.product-info .price')).toHaveText('$31.75');
  await expect(shopper.locator('[data-field="stock"]')).toHaveText('Only 4 left');
  await shopper.close();
});

test('a stale edit is refused with a conflict message', async ({ context, page }) => {
  await signIn(page, ADMIN);
  await page.goto('/admin/products');
  const other = await context.newPage();
  await other.goto('/admin/products');

  // Both tabs have loaded the product (at the same version) before either saves.
  const first = page.getByRole('form', { name: 'Edit Solstice Desk Lamp' });
  const stale = other.getByRole('form', { name: 'Edit Solstice Desk Lamp' });
  await expect(first.getByLabel('Price (USD)')).toHaveValue('89.00');
  await expect(stale.getByLabel('Price (USD)')).toHaveValue('89.00');
  await first.getByLabel('Price (USD)').fill('92.00');
  await first.getByRole('button', { name: 'Save' }).click();
  await expect(first.getByRole('status')).toHaveText('Saved: $92.00, 25 in stock.');

  // The other tab still holds the old version.
  await stale.getByLabel('Price (USD)').fill('79.00');
  await stale.getByRole('button', { name: 'Save' }).click();
  await expect(stale.getByRole('status')).toContainText('Not saved: someone else changed Solstice Desk Lamp');
  // The latest values are shown, ready to review and save again.
  await expect(stale.getByLabel('Price (USD)')).toHaveValue('92.00');
  await stale.getByRole('button', { name: 'Save' }).click();
  await expect(stale.getByRole('status')).toHaveText('Saved: $92.00, 25 in stock.');
});

test('the staff page reaches every product, a page at a time or by search', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto('/admin/products');
  const summary = page.locator('[data-field="staff-summary"]');
  await expect(summary).toHaveText('Products 1–25 of 60 · page 1 of 3');
  await expect(page.getByRole('form', { name: /^Edit / })).toHaveCount(25);
  await expect(page.getByRole('button', { name: '← Previous' })).toBeDisabled();
  await page.getByRole('button', { name: 'Next →' }).click();
  await expect(summary).toHaveText('Products 26–50 of 60 · page 2 of 3');
  await page.getByRole('button', { name: 'Next →' }).click();
  await expect(summary).toHaveText('Products 51–60 of 60 · page 3 of 3');
  await expect(page.getByRole('form', { name: /^Edit / })).toHaveCount(10);
  await expect(page.getByRole('form', { name: 'Edit Summit Insulated Mug' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Next →' })).toBeDisabled();

  // The search is the server's, over the whole catalogue, and starts again at page 1.
  await page.getByLabel('Find a product').fill('insulated mug');
  await expect(summary).toHaveText('Products 1–1 of 1 · page 1 of 1');
  await expect(page.getByRole('form', { name: 'Edit Summit Insulated Mug' })).toBeVisible();
  await page.getByLabel('Find a product').fill('zeppelin');
  await expect(summary).toHaveText('No product matches.');
});

test('a shopper cannot open the staff page', async ({ page }) => {
  await signIn(page, SHOPPER);
  await expect(page.getByRole('link', { name: 'Prices & stock' })).toHaveCount(0);
  await page.goto('/admin/products');
  await expect(page.getByRole('heading', { name: 'No access' })).toBeVisible();
  await expect(page.getByRole('form')).toHaveCount(0);
});

test('the results arrive without moving the page', async ({ page }) => {
  await signIn(page, SHOPPER);
  await page.goto('/products?sort=rating');
  await page.evaluate(() => {
    (window as unknown as { shift: number }).shift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) {
        if (!entry.hadRecentInput) (window as unknown as { shift: number }).shift += entry.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await expect(cardHeadings(page)).toHaveCount(12);
  const shift = await page.evaluate(() => (window as unknown as { shift: number }).shift);
  expect(shift).toBeLessThan(0.05);
});

for (const [name, width, height] of [['phone', 390, 844], ['desktop', 1280, 800]] as const) {
  test(`screenshots at ${width} px (${name})`, async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await signIn(page, ADMIN);
    await expect(cardHeadings(page)).toHaveCount(12);
    await page.screenshot({ path: `artifacts/products-${width}.png`, fullPage: true });
    await page.getByRole('heading', { name: 'Nordlys Wool Throw' }).getByRole('link').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Nordlys Wool Throw' })).toBeVisible();
    await page.screenshot({ path: `artifacts/product-${width}.png`, fullPage: true });
    await page.goto('/products?q=zeppelin');
    await expect(page.getByText('Show all products')).toBeVisible();
    await page.screenshot({ path: `artifacts/no-results-${width}.png` });
    await page.goto('/admin/products');
    await expect(page.getByRole('form', { name: 'Edit Aurora Ceramic Pour-Over' })).toBeVisible();
    await page.screenshot({ path: `artifacts/admin-${width}.png` });
    // Nothing is wider than the window.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });
}
