// What users do, by role and label (the way assistive technologies see the page).
import { expect, type Browser, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './checks';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './env';
import { statusBadge } from './locators';

export { ADMIN_EMAIL, ADMIN_PASSWORD };

/** Signs in to the admin console and waits for the dashboard ("Tableau de bord – <commune>"). */
export async function adminLogin(page: Page, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  await page.goto('/admin/login');
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Tableau de bord');
}

/** A fresh admin session in its own context (axe-core requires pages from browser.newContext()). */
export async function newAdminPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await adminLogin(page);
  return page;
}

export interface CreateServiceOptions {
  /** Run axe-core on each admin page of the creation (the new-service form and the editor). */
  checkAccessibility?: boolean;
  /** Identity claims to ask for, by label (default: birth name, given names, birth date). */
  claims?: string[];
  /** The municipality's slug in the published path (default: the seeded `demo`). */
  municipality?: string;
}

/**
 * From the dashboard: creates the library service of the first journey (birth name, given names
 * and birth date from FranceConnect; a required short text and a single choice), publishes it and
 * returns its public path, /s/<municipality>/<slug>.
 */
export async function createLibraryService(page: Page, title: string, options: CreateServiceOptions = {}): Promise<string> {
  const axe = options.checkAccessibility ? () => expectNoAxeViolations(page) : async () => {};
  await page.getByRole('link', { name: 'Créer un service' }).click();
  await expect(page).toHaveURL(/\/admin\/services\/new$/);
  await axe();
  await page.getByLabel('Titre du service').fill(title);
  await page.getByLabel('Description').fill('Inscription annuelle à la médiathèque municipale.');
  for (const claim of options.claims ?? ['Nom de naissance', 'Prénoms', 'Date de naissance']) {
    await page.getByLabel(claim, { exact: true }).check();
  }
  await page.getByRole('button', { name: 'Créer le service' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);

  await addField(page, { label: 'Numéro de carte de lecteur', kind: 'Texte court', required: true });
  await addField(page, { label: 'Section préférée', kind: 'Choix unique', options: ['Jeunesse', 'Adultes', 'Bandes dessinées'] });
  await expect(fieldInList(page, 'Numéro de carte de lecteur')).toBeVisible();
  await expect(fieldInList(page, 'Section préférée')).toBeVisible();
  await axe();

  await page.getByRole('button', { name: 'Publier' }).click();
  await expect(statusBadge(page)).toHaveText('En ligne');
  const href = await page.getByRole('link', { name: 'Ouvrir le service' }).getAttribute('href');
  const path = new URL(href ?? '', page.url()).pathname;
  expect(path).toMatch(new RegExp(`^/s/${options.municipality ?? 'demo'}/[a-z0-9-]+$`));
  await axe();
  return path;
}

export interface FieldSpec {
  label: string;
  /** The visible option of "Type de champ", e.g. "Texte court", "Choix unique". */
  kind: string;
  required?: boolean;
  options?: string[];
}

/** Adds one question with the editor's "Ajouter un champ" form. */
export async function addField(page: Page, field: FieldSpec) {
  await page.getByLabel('Libellé du champ').fill(field.label);
  await page.getByLabel('Type de champ').selectOption({ label: field.kind });
  if (field.required) await page.getByLabel('Réponse obligatoire').check();
  if (field.options) await page.getByLabel('Options (une par ligne)').fill(field.options.join('\n'));
  await page.getByRole('button', { name: 'Ajouter le champ' }).click();
  await expect(fieldInList(page, field.label)).toBeVisible();
}

/** A question of the builder's list, by its label (the condition menus repeat the labels). */
export function fieldInList(page: Page, label: string) {
  return page.getByRole('list').getByRole('listitem').filter({ has: page.getByText(label, { exact: true }) }).first();
}

/** Fills the FranceConnect stand-in's login form (oidc/fc-provider.mjs); every persona's password is 123. */
export async function franceConnectLogin(page: Page, login = 'test', password = '123') {
  await page.getByLabel('Identifiant').fill(login);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Valider' }).click();
}
