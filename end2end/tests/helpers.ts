import { expect, type Page } from '@playwright/test';

export const PASSWORD = 'aura-demo';
export const SHOPPER = 'shopper@aura.test';
export const ADMIN = 'admin@aura.test';

/** Fills in the local tenant's sign-in form (the page must already show it). */
export async function submitTenantForm(page: Page, email: string) {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** Signs in from `/login` (with an optional query) and waits for the landing page. */
export async function signIn(page: Page, email = SHOPPER, query = '') {
  await page.goto(`/login${query}`);
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await submitTenantForm(page, email);
  await expect(page.getByRole('link', { name: /Sam Shopper|Ada Admin/ })).toBeVisible();
}

export async function storedAccessToken(page: Page) {
  return page.evaluate(() => localStorage.getItem('auth0_access_token'));
}

/**
 * A record of the app's IndexedDB database `aura-auth`, read in the page (`null` when there is
 * none). It never creates the database (the app would then find it without its stores) and
 * never keeps it open (that would hold up the app's opening of a newer version). A stored DPoP
 * key pair cannot leave the page, so `keyPair` describes it instead: `private:false` is a
 * non-extractable private key.
 */
export function indexedDbRecord(page: Page, store: string, key: string, keyPair = false) {
  return page.evaluate(
    ({ store, key, keyPair }) =>
      new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open('aura-auth');
        open.onupgradeneeded = () => open.transaction?.abort();
        open.onerror = () => (open.error?.name === 'AbortError' ? resolve(null) : reject(open.error));
        open.onsuccess = () => {
          const database = open.result;
          if (!database.objectStoreNames.contains(store)) {
            database.close();
            return resolve(null);
          }
          const read = database.transaction(store).objectStore(store).get(key);
          read.onsuccess = () => {
            database.close();
            const record = read.result ?? null;
            if (!keyPair || record === null) return resolve(record);
            const pair = record as CryptoKeyPair;
            resolve(`${pair.privateKey.type}:${pair.privateKey.extractable}`);
          };
          read.onerror = () => {
            database.close();
            reject(read.error);
          };
        };
      }),
    { store, key, keyPair },
  );
}
