// The admin's mail tools in a browser: the template editor (refused template with an error
// summary, preview in a sandboxed frame, save) and the settings page with the agents and the
// mail settings — each page checked by axe-core, the editor driven with the keyboard.
import { test, expect } from '@playwright/test';
import { newAdminPage } from './support/actions';
import { expectNoAxeViolations } from './support/checks';

test('a template is refused, previewed and saved with the keyboard', async ({ browser }) => {
  const page = await newAdminPage(browser);
  await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Courriels' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Modèles de courriels');
  await expectNoAxeViolations(page);

  await page.getByRole('link', { name: 'Accusé de réception au citoyen' }).click();
  await expectNoAxeViolations(page);
  const subject = page.getByLabel('Objet');
  await subject.fill('Bien reçu {{ referense }}');
  await page.getByRole('button', { name: 'Enregistrer' }).focus();
  await page.keyboard.press('Enter');
  const summary = page.getByRole('alert').filter({ hasText: 'Le formulaire contient des erreurs' });
  await expect(summary).toContainText('Variable inconnue');
  await expect(subject).toHaveValue('Bien reçu {{ referense }}');
  await expect(subject).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(page);
  // The summary links to the field.
  await summary.getByRole('link').first().focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#subject$/);

  await subject.fill('Bien reçu : {{ reference }}');
  await page.getByRole('button', { name: 'Prévisualiser' }).focus();
  await page.keyboard.press('Enter');
  const preview = page.getByRole('region', { name: 'Aperçu du courriel' });
  await expect(preview).toContainText('Bien reçu : BIB-7Q4K-2M9X');
  await expect(preview.locator('iframe')).toHaveAttribute('sandbox', '');
  await expectNoAxeViolations(page);

  await page.getByRole('button', { name: 'Enregistrer' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toHaveText('Modèle enregistré.');
  await expect(page.getByText('Modèle personnalisé par la commune')).toBeVisible();

  // Back to the default, so other journeys see the built-in template.
  await page.getByRole('link', { name: 'Accusé de réception au citoyen' }).click();
  await page.getByRole('button', { name: 'Revenir au modèle par défaut' }).click();
  await expect(page.getByRole('status')).toHaveText('Modèle enregistré.');
});

test('the settings page lists the agents and explains the mail settings', async ({ browser }) => {
  const page = await newAdminPage(browser);
  await page.goto('/admin/settings');
  await expect(page.getByRole('heading', { name: 'Agents de la commune' })).toBeVisible();
  await expect(page.getByLabel("Inclure le nom du demandeur et ses réponses dans l'avis envoyé à la mairie")).not.toBeChecked();
  await expectNoAxeViolations(page);
  await page.getByLabel('Adresse électronique').fill('pas une adresse');
  await page.getByLabel('Nom', { exact: true }).fill('Camille');
  await page.getByRole('button', { name: "Envoyer l'invitation" }).click();
  await expect(page.getByRole('alert')).toContainText("Indiquez l'adresse électronique de l'agent");
  await expectNoAxeViolations(page);
});
