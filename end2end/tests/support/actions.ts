// What users do, by role and label (the way assistive technologies see the page).
import { expect, type Page } from '@playwright/test';

export const ADMIN_EMAIL = process.env.ICLEFS_E2E_ADMIN_EMAIL || 'admin@demo.iclefs.test';
export const ADMIN_PASSWORD = process.env.ICLEFS_E2E_ADMIN_PASSWORD || 'demo-admin-password-2026';

export async function adminLogin(page: Page) {
  await page.goto('/admin/login');
  await page.getByLabel('Adresse électronique').fill(ADMIN_EMAIL);
  await page.getByLabel('Mot de passe').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Tableau de bord');
}

/** Creates and publishes the library service of the first journey; returns its public path. */
export async function createLibraryService(page: Page, title: string): Promise<string> {
  await page.getByRole('link', { name: 'Créer un service' }).click();
  await page.getByLabel('Titre du service').fill(title);
  await page.getByLabel('Description').fill('Inscription annuelle à la médiathèque municipale.');
  for (const claim of ['Nom de naissance', 'Prénoms', 'Date de naissance']) {
    await page.getByLabel(claim, { exact: true }).check();
  }
  await page.getByRole('button', { name: 'Créer le service' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);

  await page.getByLabel('Libellé du champ').fill('Numéro de carte de lecteur');
  await page.getByLabel('Type de champ').selectOption({ label: 'Texte court' });
  await page.getByLabel('Réponse obligatoire').check();
  await page.getByRole('button', { name: 'Ajouter le champ' }).click();
  await page.getByLabel('Libellé du champ').fill('Section préférée');
  await page.getByLabel('Type de champ').selectOption({ label: 'Choix unique' });
  await page.getByLabel('Options (une par ligne)').fill('Jeunesse\nAdultes\nBandes dessinées');
  await page.getByRole('button', { name: 'Ajouter le champ' }).click();
  await expect(page.getByText('Numéro de carte de lecteur', { exact: true })).toBeVisible();
  await expect(page.getByText('Section préférée', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Publier' }).click();
  await expect(page.locator('.status')).toHaveText('En ligne');
  const href = await page.getByRole('link', { name: 'Ouvrir le service' }).getAttribute('href');
  expect(href).toMatch(/\/s\/demo\/[a-z0-9-]+$/);
  return new URL(href!).pathname;
}

/** Fills the FranceConnect stand-in's login form. */
export async function franceConnectLogin(page: Page, login = 'test', password = '123') {
  await page.getByLabel('Identifiant').fill(login);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Valider' }).click();
}
