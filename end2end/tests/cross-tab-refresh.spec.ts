import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type BrowserContext, type Page, type Request } from '@playwright/test';
import { serverLogFile, tenantOrigin } from '../playwright.config';
import { indexedDbRecord, signIn } from './helpers';

// Several tabs share one rotating refresh token. Spending it twice makes the tenant revoke the
// whole family ("refresh token reuse detected") and signs every tab out; these tests make the
// tabs refresh at the same moment, on a machine whose cores are busy, many times over.

const REUSE_LOGGED = 'refresh token reuse detected';
const TOKEN_ENDPOINT = `${tenantOrigin}/oauth/token`;

function reuseDetections(): number {
  const log = readFileSync(join(__dirname, '..', '..', serverLogFile), 'utf8');
  return log.split(REUSE_LOGGED).length - 1;
}

/** One busy loop per core, so the tabs' renderers and the storage they share run late. */
function loadEveryCore(): ChildProcess[] {
  return [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

function isRefresh(request: Request) {
  return request.url() === TOKEN_ENDPOINT && (request.postData() ?? '').includes('grant_type=refresh_token');
}

/**
 * When, by the browser's own clock (DevTools' monotonic timestamps, one clock for every tab),
 * the page's refresh requests were sent and failed. Playwright's events of two pages may reach
 * the test in either order; these timestamps give the order they happened in.
 */
async function refreshTimes(context: BrowserContext, page: Page) {
  const times = { sent: [] as number[], failed: [] as number[] };
  const refreshes = new Set<string>();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', ({ requestId, request, timestamp }) => {
    if (request.url === TOKEN_ENDPOINT && (request.postData ?? '').includes('grant_type=refresh_token')) {
      refreshes.add(requestId);
      times.sent.push(timestamp);
    }
  });
  cdp.on('Network.loadingFailed', ({ requestId, timestamp }) => {
    if (refreshes.has(requestId)) times.failed.push(timestamp);
  });
  return times;
}

/** Every refresh the context makes: the refresh token it spent, and the tenant's answer. */
function recordRefreshes(context: BrowserContext) {
  const spent: string[] = [];
  const answers: number[] = [];
  context.on('request', (request) => {
    if (isRefresh(request)) spent.push(new URLSearchParams(request.postData() ?? '').get('refresh_token') ?? '');
  });
  context.on('response', (response) => {
    if (isRefresh(response.request())) answers.push(response.status());
  });
  return { spent, answers };
}

async function openProfileTabs(context: BrowserContext, first: Page, count: number): Promise<Page[]> {
  await signIn(first);
  const tabs = [first];
  for (let i = 1; i < count; i++) tabs.push(await context.newPage());
  for (const tab of tabs) {
    await tab.goto('/profile');
    await expect(tab.locator('[data-field="name"]')).toHaveText('Sam Shopper');
  }
  return tabs;
}

for (const [tabCount, withoutWebLocks] of [[2, false], [3, false], [3, true]] as const) {
  const how = withoutWebLocks ? ', in a browser without Web Locks (the IndexedDB lease)' : '';
  test(`${tabCount} tabs refreshing at once under CPU load never spend a refresh token twice${how}`, async ({ context, page }) => {
    test.setTimeout(180_000);
    if (withoutWebLocks) {
      await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined }));
    }
    const reusesBefore = reuseDetections();
    const refreshes = recordRefreshes(context);
    const tabs = await openProfileTabs(context, page, tabCount);
    const load = loadEveryCore();
    try {
      for (let round = 0; round < 20; round++) {
        const before = refreshes.answers.length;
        await Promise.all(tabs.map((tab) => tab.getByRole('button', { name: 'Refresh now' }).click()));
        // "Refresh now" always renews: one answer per tab, one after the other.
        await expect.poll(() => refreshes.answers.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(before + tabCount);
      }
    } finally {
      load.forEach((busy) => busy.kill());
    }
    expect(refreshes.answers.every((status) => status === 200), `answers: ${refreshes.answers}`).toBe(true);
    expect(new Set(refreshes.spent).size).toBe(refreshes.spent.length);
    expect(reuseDetections() - reusesBefore).toBe(0);
    for (const tab of tabs) {
      await expect(tab.getByRole('alert')).toHaveCount(0);
      await tab.goto('/products');
      await expect(tab.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();
    }
  });
}

test('a token endpoint that hangs during one tab’s refresh holds the others only until its timeout', async ({ context, page }) => {
  test.setTimeout(60_000);
  const reusesBefore = reuseDetections();
  const [stuck, waiting] = await openProfileTabs(context, page, 2);
  const events: string[] = [];
  // The first refresh of the stuck tab never gets an answer (nor reaches the tenant).
  let held = false;
  await stuck.route(TOKEN_ENDPOINT, async (route) => {
    if (!held && isRefresh(route.request())) {
      held = true;
      events.push('stuck tab sent');
      return; // never answered
    }
    await route.continue();
  });
  stuck.on('requestfailed', (request) => {
    if (isRefresh(request)) events.push('stuck tab gave up');
  });
  waiting.on('request', (request) => {
    if (isRefresh(request)) events.push('other tab sent');
  });
  const stuckTimes = await refreshTimes(context, stuck);
  const waitingTimes = await refreshTimes(context, waiting);
  const waitingAnswers: number[] = [];
  waiting.on('response', (response) => {
    if (isRefresh(response.request())) waitingAnswers.push(response.status());
  });

  await stuck.getByRole('button', { name: 'Refresh now' }).click();
  await expect.poll(() => events).toEqual(['stuck tab sent']);
  const tokenBefore = await waiting.evaluate(() => localStorage.getItem('auth0_refresh_token'));
  await waiting.getByRole('button', { name: 'Refresh now' }).click();

  // The other tab waits for the lock, gets it once the stuck request is abandoned, and renews.
  await expect.poll(() => waitingAnswers, { timeout: 20_000 }).toEqual([200]);
  await expect.poll(() => [...events].sort()).toEqual(['other tab sent', 'stuck tab gave up', 'stuck tab sent']);
  // In the browser's own order: the other tab sent its refresh only after the stuck one failed.
  await expect.poll(() => stuckTimes.failed.length).toBe(1);
  expect(waitingTimes.sent).toHaveLength(1);
  expect(waitingTimes.sent[0]).toBeGreaterThan(stuckTimes.failed[0]);
  // The stuck tab gave up on its one request; it did not try again while the other tab renewed.
  expect(stuckTimes.sent).toHaveLength(1);
  await expect(stuck.getByRole('alert')).toHaveText('the sign-in service could not be reached');
  await expect
    .poll(() => stuck.evaluate(() => localStorage.getItem('auth0_refresh_token')))
    .not.toBe(tokenBefore);
  expect(reuseDetections() - reusesBefore).toBe(0);
  await stuck.goto('/products');
  await expect(stuck.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();
});

/** The refresh ledger's record in IndexedDB, as the page sees it (null when there is none). */
function ledgerRecord(page: Page) {
  return indexedDbRecord(page, 'refresh-ledger', 'ledger');
}

test('the refresh ledger holds no spent token, and sign-out empties it', async ({ context, page }) => {
  const [tab] = await openProfileTabs(context, page, 1);
  const spent = await tab.evaluate(() => localStorage.getItem('auth0_refresh_token'));
  await tab.getByRole('button', { name: 'Refresh now' }).click();
  await expect.poll(() => ledgerRecord(tab)).not.toBeNull();
  const record = JSON.stringify(await ledgerRecord(tab));
  expect(record).not.toContain(spent);
  expect(record).toContain(await tab.evaluate(() => localStorage.getItem('auth0_refresh_token')));

  await tab.getByRole('button', { name: 'Sign out' }).click();
  await expect(tab).toHaveURL(/\/$/);
  expect(await ledgerRecord(tab)).toBeNull();
});
