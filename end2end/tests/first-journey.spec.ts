// The first journey of the product, in Chromium: an agent builds and publishes a service, a
// citizen logs in through a real OpenID Connect code flow against the FranceConnect stand-in,
// fills, checks and sends the form; the agent processes it from the inbox.
import { test, expect } from '@playwright/test';
import { adminLogin, createLibraryService, franceConnectLogin } from './support/actions';
import { expectNoAxeViolations } from './support/checks';

test('build, publish, submit through FranceConnect, process', async ({ browser }) => {
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await adminLogin(admin);
  await expectNoAxeViolations(admin);
  const title = `Inscription bibliothèque ${Date.now()}`;
  const consoleErrors: string[] = [];
  admin.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  const servicePath = await createLibraryService(admin, title);
  await expectNoAxeViolations(admin);
  // The admin console's islands hydrate (the only WASM of the product): the copy button reacts.
  // Hydration starts when the browser is idle, so retry the click until the island answers.
  await expect(async () => {
    await admin.getByRole('button', { name: /Copier la ligne HTML|Copié/ }).click();
    await expect(admin.getByRole('button', { name: 'Copié !' })).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  expect(consoleErrors).toEqual([]);
  await expect(admin.getByLabel('Ligne HTML à coller dans le site de la commune')).toHaveValue(/href="http:\/\/127\.0\.0\.1:3100\/q\/[2-9A-Z]{6}\?src=site"/);

  const citizenContext = await browser.newContext();
  const citizen = await citizenContext.newPage();
  await citizen.goto(servicePath);
  await expect(citizen.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(citizen.getByRole('link', { name: 'Qu’est-ce que FranceConnect ?' })).toBeVisible();
  await expectNoAxeViolations(citizen);

  await citizen.getByRole('button', { name: /S’identifier avec FranceConnect/ }).click();
  await franceConnectLogin(citizen);
  await expect(citizen).toHaveURL(new RegExp(`${servicePath}/formulaire$`));
  const identity = citizen.getByRole('region', { name: /Certifié par FranceConnect/ });
  await expect(identity).toContainText('DUBOIS');
  await expect(identity).toContainText('Angela Claire Louise');
  await expect(identity).toContainText('24/08/1962');
  await expect(citizen.getByRole('textbox', { name: /Numéro de carte de lecteur/ })).toBeVisible();
  await expect(citizen.getByRole('group', { name: /Section préférée/ })).toBeVisible();
  await expectNoAxeViolations(citizen);

  // Required field left empty: the page says so and keeps the other answer.
  await citizen.getByRole('radio', { name: 'Adultes' }).check();
  await citizen.getByRole('button', { name: 'Continuer' }).click();
  await expect(citizen.getByRole('heading', { name: 'Le formulaire contient des erreurs' })).toBeVisible();
  await expect(citizen.getByText('Ce champ est obligatoire.', { exact: true })).toBeVisible();
  await expect(citizen.getByRole('link', { name: /Numéro de carte de lecteur : Ce champ est obligatoire/ })).toBeVisible();
  await expect(citizen.getByRole('radio', { name: 'Adultes' })).toBeChecked();
  await expectNoAxeViolations(citizen);

  await citizen.getByRole('textbox', { name: /Numéro de carte de lecteur/ }).fill('B-123456');
  await citizen.getByRole('button', { name: 'Continuer' }).click();
  await expect(citizen).toHaveURL(new RegExp(`${servicePath}/recapitulatif$`));
  await expect(citizen.getByText('B-123456')).toBeVisible();
  await expect(citizen.getByText('Adultes')).toBeVisible();
  await expect(citizen.getByRole('button', { name: 'Abandonner' })).toBeVisible();
  await expectNoAxeViolations(citizen);

  await citizen.getByRole('button', { name: 'Envoyer ma demande' }).click();
  await expect(citizen.getByRole('heading', { level: 1 })).toContainText('Demande envoyée');
  const reference = (await citizen.locator('#reference').textContent())!.trim();
  expect(reference).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  await expectNoAxeViolations(citizen);

  // The agent finds it unprocessed, processes it, and it moves to the processed tab.
  await admin.goto('/admin/inbox');
  await expect(admin.getByRole('link', { name: /^À traiter \(\d+\)$/ })).toHaveAttribute('aria-current', 'page');
  await expectNoAxeViolations(admin);
  await admin.getByRole('link', { name: reference }).click();
  await expect(admin.getByText('DUBOIS')).toBeVisible();
  await expect(admin.getByText('B-123456')).toBeVisible();
  await admin.getByRole('button', { name: 'Marquer comme traitée' }).click();
  await expect(admin.locator('.status')).toHaveText('Traitée');
  await expectNoAxeViolations(admin);
  await admin.goto('/admin/inbox?status=processed');
  await expect(admin.getByRole('link', { name: reference })).toBeVisible();
  await admin.goto('/admin/inbox?status=unprocessed');
  await expect(admin.getByRole('link', { name: reference })).toHaveCount(0);
});

test('a cancelled FranceConnect login comes back to a page that offers to retry', async ({ browser }) => {
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await adminLogin(admin);
  const servicePath = await createLibraryService(admin, `Cantine ${Date.now()}`);
  const context = await browser.newContext();
  const citizen = await context.newPage();
  await citizen.goto(servicePath);
  await citizen.getByRole('button', { name: /S’identifier avec FranceConnect/ }).click();
  await citizen.getByRole('button', { name: 'Annuler' }).click();
  await expect(citizen.getByRole('alert')).toContainText('La connexion a été annulée');
  await expect(citizen.getByRole('button', { name: /S’identifier avec FranceConnect/ })).toBeVisible();
  await expectNoAxeViolations(citizen);
});
