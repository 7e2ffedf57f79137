import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { dpopAppOrigin, dpopTenantOrigin } from '../playwright.config';
import { indexedDbRecord, signIn, storedAccessToken } from './helpers';

// Run by the `dpop` project against the server started with AUTH0_DPOP=on and
// AUTH0_DPOP_NONCE=on. The point of DPoP: tokens copied out of the page are useless elsewhere.

const TOKEN_ENDPOINT = `${dpopTenantOrigin}/oauth/token`;
const PRODUCTS = `${dpopAppOrigin}/api/products`;

function b64url(bytes: Buffer | string) {
  return Buffer.from(bytes).toString('base64url');
}

/** A DPoP proof made outside the browser, with a key of the test's own. */
function foreignProof(method: string, url: string, accessToken?: string, nonce?: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } };
  const claims: Record<string, unknown> = { jti: randomUUID(), htm: method, htu: url, iat: Math.floor(Date.now() / 1000) };
  if (accessToken) claims.ath = b64url(createHash('sha256').update(accessToken).digest());
  if (nonce) claims.nonce = nonce;
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(signature)}`;
}

function payload(token: string) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

/** `private:false` for a stored non-extractable key pair; `null` when there is none. */
function storedKey(page: Page) {
  return indexedDbRecord(page, 'dpop-keys', 'current', true);
}

async function refuse(request: APIRequestContext, headers: Record<string, string>) {
  const response = await request.get(PRODUCTS, { headers });
  expect(response.status()).toBe(401);
  return response.headers()['www-authenticate'];
}

test('tokens are bound to a key the page cannot export, and copies of them are refused', async ({ context, page, request }) => {
  test.setTimeout(90_000);
  const proofsAtTheTenant: string[] = [];
  const protectedCalls: Record<string, string>[] = [];
  const askedForNonce: string[] = [];
  context.on('request', (sent) => {
    if (sent.url() === TOKEN_ENDPOINT) proofsAtTheTenant.push(sent.headers()['dpop'] ?? 'none');
    if (sent.url().includes('/fn/')) protectedCalls.push(sent.headers());
  });
  let tokensIssued = 0;
  context.on('response', (answer) => {
    if (answer.url() === TOKEN_ENDPOINT && answer.status() === 200) tokensIssued += 1;
    if (answer.url().includes('/fn/') && answer.status() === 401) askedForNonce.push(answer.headers()['dpop-nonce'] ?? '');
  });

  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();
  const accessToken = (await storedAccessToken(page))!;
  expect(payload(accessToken).cnf?.jkt, 'the access token is bound to a key').toBeTruthy();
  expect(await storedKey(page)).toBe('private:false');
  expect(proofsAtTheTenant.length).toBeGreaterThan(0);
  expect(proofsAtTheTenant, 'the code exchange carried a proof').not.toContain('none');
  const call = protectedCalls.find((headers) => headers['dpop']);
  expect(call?.['authorization'], 'protected calls use the DPoP scheme').toMatch(/^DPoP /);

  // A second tab, and a refresh across both (12-second tokens): one refresh, with a proof.
  const other = await context.newPage();
  await other.goto('/products');
  await expect(other.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();
  const exchanges = proofsAtTheTenant.length;
  const issued = tokensIssued;
  await expect.poll(() => storedAccessToken(other), { timeout: 20_000 }).not.toBe(accessToken);
  // One refresh for both tabs (a tab without the tenant's nonce yet is asked for it first).
  expect(tokensIssued).toBe(issued + 1);
  expect(proofsAtTheTenant.length).toBeGreaterThan(exchanges);
  expect(proofsAtTheTenant, 'every refresh carried a proof').not.toContain('none');
  await other.reload();
  await expect(other.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Aurora Ceramic Pour-Over' })).toBeVisible();

  // The server's nonce (AUTH0_DPOP_NONCE=on) was asked for once per tab, its first call, and
  // retried with at once: each tab keeps it across reloads.
  expect(askedForNonce).toHaveLength(2);
  expect(askedForNonce).not.toContain('');

  // The tokens, copied out of storage and used from outside the page.
  const copiedAccess = (await storedAccessToken(page))!;
  const copiedRefresh = (await page.evaluate(() => localStorage.getItem('auth0_refresh_token')))!;
  expect(await refuse(request, { authorization: `Bearer ${copiedAccess}` })).toContain('error="invalid_token"');
  expect(
    await refuse(request, { authorization: `DPoP ${copiedAccess}`, dpop: foreignProof('GET', PRODUCTS, copiedAccess) }),
  ).toContain('error="invalid_dpop_proof"');
  const form = { grant_type: 'refresh_token', client_id: 'aura-spa', refresh_token: copiedRefresh };
  const withoutProof = await request.post(TOKEN_ENDPOINT, { form });
  expect(withoutProof.status()).toBe(400);
  expect((await withoutProof.json()).error).toBe('invalid_dpop_proof');
  // The tenant asks for its nonce first (nonce mode); with it, the other key is what is refused.
  const asked = await request.post(TOKEN_ENDPOINT, { form, headers: { dpop: foreignProof('POST', TOKEN_ENDPOINT) } });
  expect((await asked.json()).error).toBe('use_dpop_nonce');
  const nonce = asked.headers()['dpop-nonce'];
  expect(nonce).toBeTruthy();
  const withNonce = await request.post(TOKEN_ENDPOINT, {
    form,
    headers: { dpop: foreignProof('POST', TOKEN_ENDPOINT, undefined, nonce) },
  });
  expect(withNonce.status()).toBe(400);
  expect((await withNonce.json()).error).toBe('invalid_dpop_proof');

  // Sign-out deletes the key: nothing can make proofs for those tokens any more.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  expect(await storedKey(page)).toBeNull();
});
