import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, appendFileSync, renameSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type CDPSession, type Page } from '@playwright/test';

// What a returning shopper's browser fetches. The site's files have content-hashed names and are
// kept for a year (`immutable`); the rest revalidate (`no-cache`, answered 304). So a reload
// fetches no site file again, and a new build — whose changed files have new names — replaces
// exactly the files that changed.
//
// The "new build" is the built site copied with its script changed (so its hash and name
// change, as `cargo leptos build` would name it) and the WASM left as it was; the server binary
// is copied beside the new list of hashes, where Leptos reads it. Both builds are served in turn
// on the same ports, so the browser's cache sees one origin.

const repo = resolve(__dirname, '..', '..');
const serverBin = resolve(repo, process.env.E2E_SERVER_BIN ?? 'target/debug/aura-commerce');

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

type Build = { bin: string; siteRoot: string; hashes: Record<string, string> };

function readHashes(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8').trim().split('\n').map((line) => line.split(': ') as [string, string]),
  );
}

/** A copy of the built site whose script changed, named as a build names it, and its server. */
function makeNewBuild(dir: string): Build {
  const old = readHashes(join(serverBin, '..', 'hash.txt'));
  const siteRoot = join(dir, 'site');
  cpSync(resolve(repo, 'target/site'), siteRoot, { recursive: true });
  const newJsHash = `${old.js.slice(0, 10)}NEWBUILD`;
  const pkg = join(siteRoot, 'pkg');
  const oldJs = join(pkg, `aura-commerce.${old.js}.js`);
  const newJs = join(pkg, `aura-commerce.${newJsHash}.js`);
  renameSync(oldJs, newJs);
  appendFileSync(newJs, '\n// the next release\n');
  // Its compressed copies were of the old content, under the old name: a new build has its own.
  for (const name of readdirSync(pkg)) {
    if (name.startsWith(`aura-commerce.${old.js}.js.`)) rmSync(join(pkg, name));
  }
  const binDir = join(dir, 'bin');
  cpSync(serverBin, join(binDir, 'aura-commerce'));
  const hashes = { ...old, js: newJsHash };
  writeFileSync(join(binDir, 'hash.txt'), Object.entries(hashes).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
  return { bin: join(binDir, 'aura-commerce'), siteRoot, hashes };
}

async function startServer(build: Build, appPort: number, tenantPort: number, dir: string): Promise<ChildProcess> {
  const child = spawn(build.bin, [], {
    cwd: repo,
    stdio: 'ignore',
    env: {
      ...process.env,
      AUTH0_DOMAIN: '',
      NEXT_PUBLIC_AUTH0_DOMAIN: '',
      DEV_TENANT_ADDR: `127.0.0.1:${tenantPort}`,
      DEV_TENANT_STATE_DIR: join(dir, 'tenant'),
      LEPTOS_OUTPUT_NAME: 'aura-commerce',
      LEPTOS_SITE_ROOT: build.siteRoot,
      LEPTOS_SITE_PKG_DIR: 'pkg',
      LEPTOS_SITE_ADDR: `127.0.0.1:${appPort}`,
      LEPTOS_RELOAD_PORT: String(appPort + 1),
      DATABASE_URL: `sqlite://${join(dir, 'catalog.sqlite')}`,
      RUST_LOG: 'warn',
    },
  });
  const exited = new Promise<never>((_, fail) => child.once('exit', (code) => fail(new Error(`the server exited (${code})`))));
  const ready = (async () => {
    for (;;) {
      const answer = await fetch(`http://127.0.0.1:${appPort}/readyz`).catch(() => undefined);
      if (answer?.ok) return;
      await new Promise((next) => setTimeout(next, 100));
    }
  })();
  await Promise.race([ready, exited]);
  return child;
}

async function stopServer(child: ChildProcess) {
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

/** Site files the page loaded (`seen`), and those it took from the network (`fetched`: neither
 *  from the cache nor answered 304). */
async function recordFetchedSiteFiles(cdp: CDPSession) {
  const seen: string[] = [];
  const fetched: string[] = [];
  const revalidated: string[] = [];
  // A memory-cache hit is announced by requestServedFromCache before its responseReceived.
  const fromMemory = new Set<string>();
  await cdp.send('Network.enable');
  cdp.on('Network.requestServedFromCache', ({ requestId }) => fromMemory.add(requestId));
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    const path = new URL(response.url).pathname;
    if (!/^\/(pkg|images)\/|^\/favicon/.test(path)) return;
    seen.push(path);
    if (fromMemory.has(requestId) || response.fromDiskCache || response.fromPrefetchCache || response.fromServiceWorker) return;
    (response.status === 304 ? revalidated : fetched).push(path);
  });
  return {
    seen,
    fetched,
    revalidated,
    clear: () => [seen, fetched, revalidated].forEach((list) => (list.length = 0)),
  };
}

async function openLogin(page: Page, origin: string) {
  await page.goto(`${origin}/login`);
  await loginReady(page);
}

/** `/login` hydrated, and done with the chunks it loads at idle. A reload is followed by this
 *  alone: navigating again at once could cancel the reload's own requests, which the browser
 *  may then finish into its cache, so that neither visit is seen to fetch them. */
async function loginReady(page: Page) {
  await expect(page.getByRole('main').getByRole('button', { name: 'Sign in' })).toBeEnabled();
  await page.waitForLoadState('networkidle');
}

test('a reload fetches no site file again, and a new build replaces only the files that changed', async ({ browser }) => {
  test.setTimeout(90_000);
  const dir = mkdtempSync(join(tmpdir(), 'aura-asset-caching-'));
  const [appPort, tenantPort] = [await freePort(), await freePort()];
  const origin = `http://127.0.0.1:${appPort}`;
  const firstBuild: Build = { bin: serverBin, siteRoot: resolve(repo, 'target/site'), hashes: readHashes(join(serverBin, '..', 'hash.txt')) };
  const nextBuild = makeNewBuild(dir);
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  let server = await startServer(firstBuild, appPort, tenantPort, dir);
  try {
    const first = await recordFetchedSiteFiles(cdp);
    await openLogin(page, origin);
    const script = `/pkg/aura-commerce.${firstBuild.hashes.js}.js`;
    const wasm = `/pkg/aura-commerce.${firstBuild.hashes.wasm}.wasm`;
    const css = `/pkg/aura-commerce.${firstBuild.hashes.css}.css`;
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toMatch(/^\/favicon\.[\w-]+\.svg$/);
    await expect.poll(() => first.fetched).toEqual(expect.arrayContaining([script, wasm, icon]));

    // A reload: every site file comes from the cache, or at most a 304. (Chromium's own favicon
    // loader re-downloads the icon on every reload, bypassing the cache whatever the headers
    // say; a return visit below shows that the icon too is kept.)
    first.clear();
    await page.reload();
    await loginReady(page);
    // (The DevTools events of this session may trail the page's own load by a little.)
    await expect.poll(() => first.seen).toEqual(expect.arrayContaining([script, wasm, css]));
    expect(first.fetched, 'fetched again on reload').toEqual([]);

    // A return visit in a new tab: nothing at all.
    const returning = await context.newPage();
    const second = await recordFetchedSiteFiles(await context.newCDPSession(returning));
    await openLogin(returning, origin);
    await expect.poll(() => second.seen).toEqual(expect.arrayContaining([script, wasm, css, icon]));
    expect(second.fetched, 'fetched again on a return visit').toEqual([]);
    await returning.close();

    // The next release: its script is new, its WASM unchanged.
    await stopServer(server);
    server = await startServer(nextBuild, appPort, tenantPort, dir);
    first.clear();
    await page.reload();
    await loginReady(page);
    const newScript = `/pkg/aura-commerce.${nextBuild.hashes.js}.js`;
    // The script is fetched once (its preload) and then taken from memory; the two events may
    // come in either order.
    await expect.poll(() => first.seen).toEqual(expect.arrayContaining([newScript, wasm, css]));
    await expect.poll(() => first.fetched, { message: 'fetched after the new build' }).toEqual([newScript]);
    const html = await page.content();
    expect(html).toContain(newScript);
    expect(html).not.toContain(script);
  } finally {
    await context.close();
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
});
