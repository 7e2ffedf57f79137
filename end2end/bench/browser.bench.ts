import { expect, test } from '@playwright/test';
import { FIRST_LOAD_BUDGET_BYTES, firstVisitToLogin, kb, totalBytes } from '../tests/first-load';
import { PASSWORD, SHOPPER } from '../tests/helpers';

const SIGN_IN_BUDGET_MS = 300;
const RUNS = 9;
/** Which server the bench config started: DPoP changes the requests of a sign-in, not the files. */
const MODE = process.env.BENCH_DPOP === 'on' ? 'DPoP on' : 'Bearer';

/** The product that heads the list a sign-in lands on. */
const PRODUCT_HEADING = 'Aurora Ceramic Pour-Over';

/** On `/login`: keeps the time of the next click (epoch ms) where the callback's page finds it. */
function CLICK_TIMER() {
  addEventListener(
    'click',
    (event) => sessionStorage.setItem('bench.clicked-at', String(performance.timeOrigin + event.timeStamp)),
    { capture: true, once: true },
  );
}

/** In every document: on `/callback`, notes when the product list's first heading is painted
 * (the task after the frame that shows it). */
function PAINT_TIMER(heading: string) {
  if (location.pathname !== '/callback') return;
  const observer = new MutationObserver(() => {
    const shown = [...document.querySelectorAll('h2, h3')].some((h) => h.textContent?.trim() === heading);
    if (!shown) return;
    observer.disconnect();
    requestAnimationFrame(() =>
      setTimeout(() => {
        (window as unknown as { paintedAt: number }).paintedAt = performance.timeOrigin + performance.now();
      }),
    );
  });
  observer.observe(document, { childList: true, subtree: true });
}

/** The steps of the sign-in that just ended, in ms after the click, from the page's timings;
 * undefined until the paint is noted. */
function READ_STEPS() {
  const paintedAt = (window as unknown as { paintedAt?: number }).paintedAt;
  const clickedAt = Number(sessionStorage.getItem('bench.clicked-at'));
  if (!paintedAt || !clickedAt) return undefined;
  const since = (at: number) => Math.round(performance.timeOrigin + at - clickedAt);
  const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
  const resource = (test: (path: string) => boolean) =>
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((r) => test(new URL(r.name).pathname));
  const steps: Record<string, number> = { 'callback document': since(navigation.responseEnd) };
  const exchange = resource((path) => path.endsWith('/oauth/token'));
  if (exchange) steps['code exchanged'] = since(exchange.responseEnd);
  const data = resource((path) => path.startsWith('/fn/'));
  if (data) steps['product list data'] = since(data.responseEnd);
  steps['product list painted'] = Math.round(paintedAt - clickedAt);
  return steps;
}

/** The steps of a sign-in, as milliseconds after the click, for the median of each. */
type Steps = Record<string, number>;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

test('first-load transfer and sign-in round trip', async ({ page, browser }) => {
  const { firstLoad, atIdle } = await firstVisitToLogin(browser);
  for (const t of firstLoad) console.log(`first load: ${t.url} ${kb(t.bytes)} (${t.encoding})`);
  const total = totalBytes(firstLoad);
  console.log(`first load total (${MODE}): ${kb(total)} (budget ${kb(FIRST_LOAD_BUDGET_BYTES)})`);
  const encodings = [...new Set(atIdle.map((t) => t.encoding))].join(', ');
  console.log(`then, at idle, the next steps' chunks: ${atIdle.length} files, ${kb(totalBytes(atIdle))} (${encodings})`);

  // Sign in once through the form; later sign-ins reuse the tenant's session, as a returning
  // shopper's do. Each run: from the click on "Sign in" to the product list painted, timed by
  // the browser's own clock in the pages themselves. (Timed from here it would also count the
  // actionability checks before the click and Playwright's polling of the page, which after the
  // first 170 ms looks only every 100 ms.)
  await page.addInitScript(PAINT_TIMER, PRODUCT_HEADING);
  const timings: number[] = [];
  const steps: Steps[] = [];
  for (let run = 0; run <= RUNS; run++) {
    await page.evaluate(() => localStorage.clear()).catch(() => {});
    await page.goto('/login');
    const button = page.getByRole('main').getByRole('button', { name: 'Sign in' });
    await expect(button).toBeEnabled();
    await page.evaluate(CLICK_TIMER);
    await button.click();
    if (run === 0) {
      await page.getByLabel('Email address').fill(SHOPPER);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Continue' }).click();
    }
    await expect(page.getByRole('heading', { name: PRODUCT_HEADING })).toBeVisible();
    const runSteps = await page.waitForFunction(READ_STEPS).then((handle) => handle.jsonValue());
    if (run > 0) {
      timings.push(runSteps['product list painted']);
      steps.push(runSteps);
    }
  }
  const middle = median(timings);
  console.log(`sign-in round trip (${MODE}): median ${middle} ms over ${timings.length} runs (min ${Math.min(...timings)}, max ${Math.max(...timings)}; budget ${SIGN_IN_BUDGET_MS} ms)`);
  for (const step of Object.keys(steps[0] ?? {})) {
    const at = steps.map((s) => s[step]).filter((v) => v !== undefined);
    console.log(`  ${step}: median ${median(at)} ms after the click`);
  }

  expect(total, 'first-load transfer within budget').toBeLessThanOrEqual(FIRST_LOAD_BUDGET_BYTES);
  expect(middle, 'sign-in round trip within budget').toBeLessThanOrEqual(SIGN_IN_BUDGET_MS);
});
