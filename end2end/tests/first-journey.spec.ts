// The first journey of the product, in Chromium: an agent builds and publishes a service, a
// citizen logs in through a real OpenID Connect code flow against the FranceConnect stand-in,
// fills, checks and sends the form; the agent processes it from the inbox. axe-core runs on every
// page of the way (WCAG 2.1 A/AA + RGAA 4 rules).
import { test, expect } from '@playwright/test';
import { adminLogin, createLibraryService, franceConnectLogin, newAdminPage } from './support/actions';
import { expectNoAxeViolations } from './support/checks';
import {
  REFERENCE, certifiedIdentity, citizenReference, errorSummary, franceConnectButton, franceConnectHelpLink,
  inboxTab, referenceLink, requiredFieldError, statusBadge,
} from './support/locators';

test('build, publish, submit through FranceConnect, process', async ({ browser }) => {
  // ── Agent: sign in, create and publish the service ──────────────────────────────────────────
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await admin.goto('/admin/login');
  await expectNoAxeViolations(admin);
  await adminLogin(admin);
  await expectNoAxeViolations(admin);
  const consoleErrors: string[] = [];
  admin.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  const title = `Inscription bibliothèque ${Date.now()}`;
  const servicePath = await createLibraryService(admin, title, { checkAccessibility: true });
  // The admin console's islands hydrate (the only WASM of the product): the copy button reacts.
  // Hydration starts when the browser is idle, so retry the click until the island answers.
  await expect(async () => {
    await admin.getByRole('button', { name: /Copier la ligne HTML|Copié/ }).click();
    await expect(admin.getByRole('button', { name: 'Copié !' })).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  expect(consoleErrors).toEqual([]);
  await expect(admin.getByLabel('Ligne HTML à coller dans le site de la commune'))
    .toHaveValue(/href="http:\/\/127\.0\.0\.1:3100\/q\/[2-9A-Z]{6}\?src=site"/);

  // ── Citizen: landing page, FranceConnect, form ──────────────────────────────────────────────
  const citizenContext = await browser.newContext();
  const citizen = await citizenContext.newPage();
  await citizen.goto(servicePath);
  await expect(citizen.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(franceConnectButton(citizen)).toBeVisible();
  await expect(franceConnectHelpLink(citizen)).toBeVisible();
  await expectNoAxeViolations(citizen);

  await franceConnectButton(citizen).click();
  await franceConnectLogin(citizen);
  await expect(citizen).toHaveURL(new RegExp(`${servicePath}/formulaire$`));
  const identity = certifiedIdentity(citizen);
  await expect(identity).toContainText('DUBOIS');
  await expect(identity).toContainText('Angela Claire Louise');
  await expect(identity).toContainText('24/08/1962');
  // Read-only: the certified identity is text, never an editable field.
  await expect(identity.getByRole('textbox')).toHaveCount(0);
  const cardNumber = citizen.getByRole('textbox', { name: /Numéro de carte de lecteur/ });
  await expect(cardNumber).toBeVisible();
  await expect(citizen.getByRole('group', { name: /Section préférée/ })).toBeVisible();
  await expectNoAxeViolations(citizen);

  // Required field left empty: the page says so, links the summary to the field, keeps the
  // other answer.
  await citizen.getByRole('radio', { name: 'Adultes' }).check();
  await citizen.getByRole('button', { name: 'Continuer' }).click();
  await expect(citizen).toHaveURL(new RegExp(`${servicePath}/formulaire$`));
  await expect(errorSummary(citizen)).toBeVisible();
  await expect(requiredFieldError(citizen)).toBeVisible();
  await expect(citizen.getByRole('link', { name: /Numéro de carte de lecteur : Ce champ est obligatoire/ })).toBeVisible();
  await expect(citizen.getByRole('radio', { name: 'Adultes' })).toBeChecked();
  await expectNoAxeViolations(citizen);

  await cardNumber.fill('B-123456');
  await citizen.getByRole('radio', { name: 'Adultes' }).check();
  await citizen.getByRole('button', { name: 'Continuer' }).click();
  await expect(citizen).toHaveURL(new RegExp(`${servicePath}/recapitulatif$`));
  await expect(citizen.getByText('B-123456')).toBeVisible();
  await expect(citizen.getByText('Adultes')).toBeVisible();
  await expect(citizen.getByRole('button', { name: 'Envoyer ma demande' })).toBeVisible();
  await expect(citizen.getByRole('button', { name: 'Abandonner' })).toBeVisible();
  await expectNoAxeViolations(citizen);

  await citizen.getByRole('button', { name: 'Envoyer ma demande' }).click();
  await expect(citizen.getByRole('heading', { level: 1 })).toContainText('Demande envoyée');
  await expect(citizenReference(citizen)).toHaveText(REFERENCE);
  const reference = (await citizenReference(citizen).textContent())!.trim();
  await expectNoAxeViolations(citizen);

  // ── Agent: the inbox, the detail, processing ────────────────────────────────────────────────
  await admin.goto('/admin/inbox');
  await expect(inboxTab(admin, 'À traiter')).toHaveAttribute('aria-current', 'page');
  await expect(inboxTab(admin, 'Traitées')).toBeVisible();
  await expect(inboxTab(admin, 'Toutes')).toBeVisible();
  await expect(referenceLink(admin, reference)).toBeVisible();
  await expectNoAxeViolations(admin);

  await referenceLink(admin, reference).click();
  await expect(admin.getByRole('heading', { level: 1 })).toContainText(reference);
  const certified = admin.getByRole('region', { name: 'Identité certifiée' });
  await expect(certified).toContainText('DUBOIS');
  await expect(certified).toContainText('Angela Claire Louise');
  const answers = admin.getByRole('region', { name: 'Réponses' });
  await expect(answers).toContainText('B-123456');
  await expect(answers).toContainText('Adultes');
  await expectNoAxeViolations(admin);

  await admin.getByRole('button', { name: 'Marquer comme traitée' }).click();
  await expect(statusBadge(admin)).toHaveText('Traitée');
  await expect(admin.getByRole('button', { name: 'Remettre à traiter' })).toBeVisible();
  await expectNoAxeViolations(admin);

  await admin.goto('/admin/inbox?status=processed');
  await expect(inboxTab(admin, 'Traitées')).toHaveAttribute('aria-current', 'page');
  await expect(referenceLink(admin, reference)).toBeVisible();
  await admin.goto('/admin/inbox?status=unprocessed');
  await expect(inboxTab(admin, 'À traiter')).toHaveAttribute('aria-current', 'page');
  await expect(referenceLink(admin, reference)).toHaveCount(0);
});

test('a cancelled FranceConnect login comes back to a page that offers to retry', async ({ browser }) => {
  const admin = await newAdminPage(browser);
  const servicePath = await createLibraryService(admin, `Cantine ${Date.now()}`);
  const citizen = await (await browser.newContext()).newPage();
  await citizen.goto(servicePath);
  await franceConnectButton(citizen).click();
  await citizen.getByRole('button', { name: 'Annuler' }).click();
  await expect(citizen.getByRole('alert')).toContainText('La connexion a été annulée');
  await expect(franceConnectButton(citizen)).toBeVisible();
  await expectNoAxeViolations(citizen);
});
