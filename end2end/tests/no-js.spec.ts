// The citizen journey with JavaScript disabled, on a phone-sized screen, using the keyboard.
// axe-core needs JavaScript in the page, so accessibility is checked in first-journey.spec.ts on
// the same server-rendered HTML; here we prove the journey itself needs no script at all.
import { test, expect } from '@playwright/test';
import { adminLogin, createLibraryService } from './support/actions';

test('a citizen completes the form without JavaScript, keyboard only', async ({ browser }) => {
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await adminLogin(admin);
  const servicePath = await createLibraryService(admin, `Médiathèque sans JS ${Date.now()}`);

  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, isMobile: true });
  const page = await context.newPage();
  await page.goto(servicePath);

  // Keyboard: focus the FranceConnect button and press Enter.
  await page.getByRole('button', { name: /S’identifier avec FranceConnect/ }).focus();
  await page.keyboard.press('Enter');
  await page.getByLabel('Identifiant').focus();
  await page.keyboard.type('test');
  await page.keyboard.press('Tab');
  await page.keyboard.type('123');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${servicePath}/formulaire$`));

  await page.getByRole('textbox', { name: /Numéro de carte de lecteur/ }).focus();
  await page.keyboard.type('C-777');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space'); // first option of the radio group
  await page.getByRole('button', { name: 'Continuer' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${servicePath}/recapitulatif$`));
  await expect(page.getByText('C-777')).toBeVisible();
  await expect(page.getByText('Jeunesse')).toBeVisible();

  await page.getByRole('button', { name: 'Envoyer ma demande' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Demande envoyée');
  await expect(page.locator('#reference')).toHaveText(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
});
