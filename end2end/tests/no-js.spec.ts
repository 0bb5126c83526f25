// The citizen journey with JavaScript disabled, on a phone-sized screen, with the keyboard.
// axe-core needs JavaScript in the page, so accessibility is checked in first-journey.spec.ts on
// the same server-rendered HTML; here we prove the journey itself needs no script at all.
import { test, expect, type Browser, type Page } from '@playwright/test';
import { createLibraryService, newAdminPage } from './support/actions';
import {
  REFERENCE, certifiedIdentity, citizenReference, errorSummary, franceConnectButton, requiredFieldError,
} from './support/locators';

/** One published service for the whole file, created through the admin UI with JavaScript on. */
let servicePath: string;

test.beforeAll(async ({ browser }) => {
  const admin = await newAdminPage(browser);
  servicePath = await createLibraryService(admin, `Médiathèque sans JS ${Date.now()}`);
  await admin.context().close();
});

async function phoneWithoutJs(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    javaScriptEnabled: false, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
  });
  return context.newPage();
}

/** Landing page → FranceConnect button → stand-in login form, with Tab/Enter only. */
async function signInWithKeyboard(page: Page) {
  await page.goto(servicePath);
  await franceConnectButton(page).focus();
  await expect(franceConnectButton(page)).toBeFocused();
  await page.keyboard.press('Enter');
  const login = page.getByLabel('Identifiant');
  await login.focus();
  await page.keyboard.type('test');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Mot de passe')).toBeFocused();
  await page.keyboard.type('123');
  await page.keyboard.press('Enter'); // implicit submission: the form's first button, "Valider"
  await expect(page).toHaveURL(new RegExp(`${servicePath}/formulaire$`));
  await expect(certifiedIdentity(page)).toContainText('DUBOIS');
}

test('a citizen completes the form without JavaScript, keyboard only', async ({ browser }) => {
  const page = await phoneWithoutJs(browser);
  await signInWithKeyboard(page);

  const cardNumber = page.getByRole('textbox', { name: /Numéro de carte de lecteur/ });
  await cardNumber.focus();
  await page.keyboard.type('C-777');
  // Tab enters the radio group on its first option when none is checked; Space checks it.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('radio', { name: 'Jeunesse' })).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page.getByRole('radio', { name: 'Jeunesse' })).toBeChecked();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Continuer' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${servicePath}/recapitulatif$`));
  await expect(page.getByText('C-777')).toBeVisible();
  await expect(page.getByText('Jeunesse')).toBeVisible();

  await page.getByRole('button', { name: 'Envoyer ma demande' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Demande envoyée');
  await expect(citizenReference(page)).toHaveText(REFERENCE);
  await page.context().close();
});

test('without JavaScript, a missing answer is reported by the server', async ({ browser }) => {
  const page = await phoneWithoutJs(browser);
  await signInWithKeyboard(page);

  await page.getByRole('button', { name: 'Continuer' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${servicePath}/formulaire$`));
  await expect(errorSummary(page)).toBeVisible();
  await expect(requiredFieldError(page)).toBeVisible();
  // The summary's link takes the keyboard user to the field (a plain #anchor, no script).
  await page.getByRole('link', { name: /Numéro de carte de lecteur : Ce champ est obligatoire/ }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#f-/);
  await page.context().close();
});
