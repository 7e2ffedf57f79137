import { expect, type Browser } from '@playwright/test';

/** What a first visit to `/login` may download of the app's own files, as sent (brotli). */
export const FIRST_LOAD_BUDGET_BYTES = 150 * 1024;

/** One file of the app as it crossed the wire: body and headers, with its encoding. */
export type Transfer = { url: string; bytes: number; encoding: string };

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
export const totalBytes = (list: Transfer[]) => list.reduce((total, t) => total + t.bytes, 0);

/**
 * A first visit to `/login` in a fresh context (empty cache), until the network is idle: the
 * `.wasm`, `.js` and `.css` files it downloaded, split into the first load (what the page needs
 * to be interactive) and the chunks it then fetched at idle for the next steps of a sign-in.
 * Chromium asks for brotli, so the sizes are the brotli bytes the server sent.
 */
export async function firstVisitToLogin(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Each finished request is read while the page is still open, then awaited before closing.
  const reads: Promise<Transfer>[] = [];
  page.on('requestfinished', (request) => {
    const url = new URL(request.url());
    if (!/\.(wasm|js|css)$/.test(url.pathname)) return;
    reads.push(
      (async () => {
        const sizes = await request.sizes();
        const response = await request.response();
        const encoding = (await response?.headerValue('content-encoding')) ?? 'identity';
        return { url: url.pathname, bytes: sizes.responseBodySize + sizes.responseHeadersSize, encoding };
      })(),
    );
  });
  await page.goto('/login');
  await expect(page.getByRole('main').getByRole('button', { name: 'Sign in' })).toBeEnabled();
  await page.waitForLoadState('networkidle');
  const transfers = await Promise.all(reads);
  await context.close();
  // Page chunks are not part of the first load: /login needs none (split-pages.spec.ts holds
  // them all back and the page still works); once it is idle it fetches those of the next steps.
  const isChunk = (path: string) => /\/pkg\/(split_|chunk_)/.test(path);
  return {
    firstLoad: transfers.filter((t) => !isChunk(t.url)),
    atIdle: transfers.filter((t) => isChunk(t.url)),
  };
}
