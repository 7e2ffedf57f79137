import { defineConfig } from '@playwright/test';
import base from '../playwright.config';

// The release build, measured: first-load transfer and the sign-in round trip.
const appPort = Number(process.env.BENCH_APP_PORT ?? 3200);
const tenantPort = Number(process.env.BENCH_TENANT_PORT ?? 4200);

// One of the suite's servers on the bench's own ports: the first (Bearer tokens), or with
// BENCH_DPOP=on the second (DPoP on, nonces asked for by the app and by its tenant).
const dpop = process.env.BENCH_DPOP === 'on';
const [bearerServer, dpopServer] = base.webServer as { env: Record<string, string> }[];
const server = dpop ? dpopServer : bearerServer;

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: /.*\.bench\.ts/,
  timeout: 120_000,
  use: { ...base.use, baseURL: `http://127.0.0.1:${appPort}`, trace: 'off' },
  projects: undefined,
  webServer: {
    ...server,
    command: process.env.BENCH_SERVER_BIN ?? 'target/release/aura-commerce',
    cwd: '../..',
    url: `http://127.0.0.1:${appPort}/readyz`,
    env: {
      ...server.env,
      DEV_TENANT_ADDR: `127.0.0.1:${tenantPort}`,
      // The default token lifetimes, so no refresh falls inside a run; the DPoP server's tenant
      // keeps asking for nonces.
      DEV_TENANT_CONFIG: dpop ? 'end2end/bench/tenant-bench-dpop.json' : '',
      DEV_TENANT_STATE_DIR: `target/dev-tenant-e2e-${tenantPort}`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${appPort}`,
      LEPTOS_RELOAD_PORT: String(appPort + 1),
      LEPTOS_ENV: 'PROD',
      RUST_LOG: 'warn',
    },
  },
});
