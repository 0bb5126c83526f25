// The console pages of the identity provider settings and of the API, in a browser: axe-core on
// each, a refused provider form (error summary linked to the field, the secret never echoed),
// the connection test against the FranceConnect stand-in, and the API page. Nothing is saved, so
// the other journeys keep their provider.
import { test, expect } from '@playwright/test';
import { newAdminPage } from './support/actions';
import { expectNoAxeViolations } from './support/checks';

test('identity provider settings: refused form, connection test, API page', async ({ browser }) => {
  const page = await newAdminPage(browser);
  const menu = page.getByRole('navigation', { name: 'Menu principal' });
  await menu.getByRole('link', { name: 'Connexion des citoyens' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connexion des citoyens');
  await expect(page.getByLabel('URL de redirection de connexion (redirect_uri)')).toHaveValue(/\/auth\/demo\/callback$/);
  await expectNoAxeViolations(page);

  const clientId = page.getByLabel('Identifiant client (client_id)');
  await clientId.fill('avec une espace');
  await page.getByLabel('Secret client (client_secret)').fill('SECRET-TAPE');
  await page.getByRole('button', { name: 'Enregistrer' }).focus();
  await page.keyboard.press('Enter');
  const summary = page.getByRole('alert').filter({ hasText: 'Le formulaire contient des erreurs' });
  await expect(summary).toContainText('sans espace');
  await expect(clientId).toHaveValue('avec une espace');
  await expect(clientId).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Secret client (client_secret)')).toHaveValue('');
  await expectNoAxeViolations(page);

  await page.getByRole('button', { name: 'Tester la connexion' }).click();
  await expect(page.getByRole('heading', { name: 'Résultat du test' })).toBeVisible();
  await expect(page.getByText('Adresse joignable', { exact: true })).toBeVisible();
  await expectNoAxeViolations(page);

  await menu.getByRole('link', { name: 'API' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('API pour les logiciels métier');
  await expectNoAxeViolations(page);
});

test('webhooks page: an internal address is refused with a linked error, axe-core clean', async ({ browser }) => {
  const page = await newAdminPage(browser);
  const menu = page.getByRole('navigation', { name: 'Menu principal' });
  await menu.getByRole('link', { name: 'Webhooks' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Webhooks : prévenir vos logiciels en temps réel');
  await expectNoAxeViolations(page);

  const url = page.getByLabel('Adresse de réception (URL)');
  await url.fill('https://169.254.169.254/latest/meta-data/');
  await page.getByRole('button', { name: "Ajouter l'adresse" }).focus();
  await page.keyboard.press('Enter');
  const summary = page.getByRole('alert').filter({ hasText: 'Le formulaire contient des erreurs' });
  await expect(summary).toContainText('métadonnées');
  await expect(url).toHaveValue('https://169.254.169.254/latest/meta-data/');
  await expect(url).toHaveAttribute('aria-invalid', 'true');
  await expect(summary.getByRole('link').first()).toHaveAttribute('href', '#url');
  await expectNoAxeViolations(page);
});
