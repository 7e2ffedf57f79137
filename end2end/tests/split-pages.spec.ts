import { expect, test, type Page } from '@playwright/test';
import { ADMIN, SHOPPER, signIn } from './helpers';

// Every page but / and /login is in a WASM chunk (src/wasm_chunks.rs). Opened directly, such a
// page hydrates only after its chunk arrives; these tests open each one that way, signed in,
// and fail on any browser error (a hydration mismatch panics in the console). The chunks are
// held back a little, as on a slow network: the session must still not be read before the page
// has hydrated, or the page renders differently from the server's HTML.

const CHUNK_DELAY_MS = 400;

// Only a `cargo leptos build --split` has chunks; scripts/test says so with E2E_SPLIT=1 when it
// runs the suite against the production build. Against a plain build (`cargo leptos
// end-to-end`, or sign-in against `cargo leptos build`) there is nothing of this to check.
test.skip(process.env.E2E_SPLIT !== '1', 'the site under test was built without --split');

async function slowPageChunks(page: Page) {
  await page.route(/\/pkg\/(split|chunk)_.*\.wasm$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, CHUNK_DELAY_MS));
    await route.continue();
  });
}

function recordProblems(page: Page) {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return problems;
}

const pages: [string, (page: Page) => Promise<void>][] = [
  ['/products', async (page) => {
    await expect(page.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();
  }],
  ['/products/1', async (page) => {
    await expect(page.getByRole('heading', { level: 1, name: 'Aurora Ceramic Pour-Over' })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Recommended for you' }).getByRole('heading').first()).toBeVisible();
  }],
  ['/profile', async (page) => {
    await expect(page.locator('[data-field="email"]')).toHaveText('admin@aura.test');
  }],
  ['/admin/products', async (page) => {
    await expect(page.getByRole('form', { name: 'Edit Aurora Ceramic Pour-Over' })).toBeVisible();
  }],
];

for (const [path, shows] of pages) {
  test(`${path} opened directly, signed in, loads its chunk and hydrates without an error`, async ({ page }) => {
    await signIn(page, ADMIN);
    await slowPageChunks(page);
    const problems = recordProblems(page);
    const chunks: string[] = [];
    page.on('requestfinished', (request) => {
      if (/\/pkg\/split_.*\.wasm$/.test(request.url())) chunks.push(new URL(request.url()).pathname);
    });
    await page.goto(path);
    await shows(page);
    // Still interactive after hydration: the header's link navigates in the page.
    await page.getByRole('link', { name: 'Products', exact: true }).click();
    await expect(page).toHaveURL(/\/products$/);
    await expect(page.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();
    expect(chunks.length, 'the page came in a chunk').toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
}

test('a shopper opening the staff page directly is told they have no access, without an error', async ({ page }) => {
  await signIn(page, SHOPPER);
  await slowPageChunks(page);
  const problems = recordProblems(page);
  await page.goto('/admin/products');
  await expect(page.getByRole('heading', { name: 'No access' })).toBeVisible();
  expect(problems).toEqual([]);
});

// /login needs no chunk to hydrate, but once it is idle it fetches the chunk of what follows
// the click on "Sign in" (src/pages/chunk_preload.rs): `signed_in`, with the click's own code,
// the callback and the product list, so that no step of a sign-in waits for a download. Every
// chunk request is held here: the page must hydrate without them, and ask for that one only.
test('/login hydrates with every page chunk held back, and fetches at idle only the next sign-in steps', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = recordProblems(page);
  const held: (() => void)[] = [];
  const requested: string[] = [];
  await page.route(/\/pkg\/(split_|chunk_).*\.wasm$/, async (route) => {
    requested.push(new URL(route.request().url()).pathname);
    await new Promise<void>((release) => held.push(release));
    // The page may have gone on to the tenant meanwhile; its abandoned requests are no matter.
    await route.continue().catch(() => {});
  });
  await page.goto('/login');
  const signInButton = page.getByRole('main').getByRole('button', { name: 'Sign in' });
  await expect(signInButton).toBeEnabled();
  // A split file is named split_<chunk>_<hash of its place>.<hash of its content>.wasm.
  const splits = () =>
    requested.filter((path) => path.startsWith('/pkg/split_')).map((path) => path.replace(/_\d+\.[^/]*$/, '')).sort();
  const expected = ['/pkg/split_signed_in'];
  await expect.poll(splits).toEqual(expected);
  expect(problems).toEqual([]);
  // Once they arrive, the click starts the sign-in without fetching anything more.
  held.forEach((release) => release());
  await signInButton.click();
  await expect(page).toHaveURL(/\/authorize\?/);
  expect(splits()).toEqual(expected);
  await context.close();
});
