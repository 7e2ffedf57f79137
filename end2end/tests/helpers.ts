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
