import { defineConfig } from '@playwright/test';

// The app and its local tenant run on their own ports here, so a `cargo leptos watch` on the
// default ports (3000/4000) can keep running while the tests do.
const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const tenantPort = Number(process.env.E2E_TENANT_PORT ?? 4100);
export const appOrigin = `http://127.0.0.1:${appPort}`;
export const tenantOrigin = `http://127.0.0.1:${tenantPort}`;
/** The server's (and its local tenant's) log of this run, relative to the repository root. */
export const serverLogFile = `target/e2e-server-${appPort}.log`;
// A second server of the same build with AUTH0_DPOP=on, for `dpop.spec.ts` only.
const dpopAppPort = appPort + 200;
const dpopTenantPort = tenantPort + 200;
export const dpopAppOrigin = `http://127.0.0.1:${dpopAppPort}`;
export const dpopTenantOrigin = `http://127.0.0.1:${dpopTenantPort}`;

/** The server of the last build, on `app` and `tenant` ports, with `extraEnv`. */
function server(app: number, tenant: number, extraEnv: Record<string, string>) {
  const database = `target/e2e-catalog-${app}.sqlite`;
  const log = `target/e2e-server-${app}.log`;
  return {
    // The server of the last `cargo leptos build` (scripts/test builds the release site first and
    // names target/release/aura-commerce in E2E_SERVER_BIN). Each run starts from a freshly seeded
    // catalogue, so edits made by one run never leak into the next.
    // Its log is kept in a file too, so a test can read what the tenant saw.
    command: `rm -f ${database} ${database}-wal ${database}-shm && ${process.env.E2E_SERVER_BIN ?? 'target/debug/aura-commerce'} 2>&1 | tee ${log}`,
    cwd: '..',
    url: `http://127.0.0.1:${app}/readyz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'pipe' as const,
    stderr: 'pipe' as const,
    env: {
      // Empty values count as unset, and win over a developer's .env: always the local tenant.
      AUTH0_DOMAIN: '',
      NEXT_PUBLIC_AUTH0_DOMAIN: '',
      DEV_TENANT_ADDR: `127.0.0.1:${tenant}`,
      // Short access tokens (12 s), so refreshes happen during the tests.
      DEV_TENANT_CONFIG: 'end2end/tenant-e2e.json',
      // Each server's tenant keeps its own keys and sessions.
      DEV_TENANT_STATE_DIR: `target/dev-tenant-e2e-${tenant}`,
      LEPTOS_OUTPUT_NAME: 'aura-commerce',
      LEPTOS_SITE_ROOT: 'target/site',
      LEPTOS_SITE_PKG_DIR: 'pkg',
      LEPTOS_SITE_ADDR: `127.0.0.1:${app}`,
      LEPTOS_RELOAD_PORT: String(app + 1),
      DATABASE_URL: `sqlite://${database}`,
      RUST_LOG: 'info',
      ...extraEnv,
    },
  };
}

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: appOrigin,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Debian's Chromium; Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'bearer', testIgnore: /dpop\.spec\.ts/ },
    { name: 'dpop', testMatch: /dpop\.spec\.ts/, use: { baseURL: dpopAppOrigin } },
  ],
  webServer: [
    server(appPort, tenantPort, { AUTH0_DPOP: '', AUTH0_DPOP_NONCE: '' }),
    // Nonces on at the app and at its tenant, so the browser's one retry with a nonce runs every
    // time at both.
    server(dpopAppPort, dpopTenantPort, {
      AUTH0_DPOP: 'on',
      AUTH0_DPOP_NONCE: 'on',
      DEV_TENANT_CONFIG: 'end2end/tenant-e2e-dpop.json',
    }),
  ],
});
