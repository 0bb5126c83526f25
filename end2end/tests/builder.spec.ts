// The form builder in Chromium: an agent builds a service with every field kind, settings and a
// condition (part of it with the keyboard alone), checks the preview, publishes, edits into a new
// revision and publishes again; a citizen sends a request under each revision, and the inbox shows
// both with their own questions. axe-core runs on the builder pages and the preview.
import { test, expect, type Page } from '@playwright/test';
import { fieldInList, franceConnectLogin, newAdminPage } from './support/actions';
import { expectNoAxeViolations } from './support/checks';
import { franceConnectButton, referenceLink, citizenReference, statusBadge } from './support/locators';

interface Field {
  label: string;
  kind: string;
  required?: boolean;
  options?: string[];
  help?: string;
  /** Settings, by their label in "Réglages selon le type". */
  settings?: Record<string, string>;
  checks?: string[];
  /** "Afficher seulement si" this question's answer equals this value. */
  when?: { question: string; equals: string };
}

async function addField(page: Page, f: Field) {
  await page.getByLabel('Libellé du champ').fill(f.label);
  await page.getByLabel('Type de champ').selectOption({ label: f.kind });
  if (f.help) await page.getByLabel("Texte d'aide (facultatif)").fill(f.help);
  if (f.required) await page.getByLabel('Réponse obligatoire').check();
  if (f.options) await page.getByLabel('Options (une par ligne)').fill(f.options.join('\n'));
  if (f.settings || f.checks) {
    await page.getByText('Réglages selon le type (facultatif)').click();
    for (const [label, value] of Object.entries(f.settings ?? {})) await page.getByLabel(label, { exact: true }).fill(value);
    for (const label of f.checks ?? []) await page.getByLabel(label).check();
  }
  if (f.when) {
    await page.getByText('Affichage conditionnel (facultatif)').click();
    const rule = page.getByRole('group', { name: 'Condition', exact: true });
    await rule.getByLabel('Question').selectOption({ label: f.when.question });
    await rule.getByLabel('Sa réponse').selectOption({ label: 'est égale à' });
    await rule.getByLabel(/^Valeur/).fill(f.when.equals);
  }
  await page.getByRole('button', { name: 'Ajouter le champ' }).click();
  await expect(fieldInList(page, f.label)).toBeVisible();
}

const FIELDS: Field[] = [
  { label: 'Votre enfant', kind: 'Titre de section' },
  { label: 'À savoir', kind: 'Texte explicatif', help: 'Les inscriptions sont closes le **30 juin**.\n\n- Voir [le règlement](https://ville.example/reglement.pdf)\n- <b>pas du HTML</b>' },
  { label: 'Numéro INE', kind: 'Texte court', required: true,
    settings: { 'Motif (expression régulière)': '[0-9]{9}[A-Z]{2}', 'Message si la réponse ne respecte pas le motif': "L'INE compte 9 chiffres puis 2 lettres." } },
  { label: 'Remarques', kind: 'Texte long' },
  { label: 'Courriel du parent', kind: 'Adresse électronique', required: true },
  { label: 'Téléphone du parent', kind: 'Téléphone (France, Belgique)', required: true },
  { label: 'Frères et sœurs inscrits', kind: 'Nombre', settings: { 'Valeur minimale': '0', 'Valeur maximale': '9' }, checks: ['Nombre entier seulement'] },
  { label: "Date de naissance de l'enfant", kind: 'Date', required: true, checks: ['Pas de date dans le futur (date de naissance, de perte…)'] },
  { label: 'Niveau', kind: 'Choix unique', required: true, options: ['Maternelle', 'Élémentaire'] },
  { label: 'Activités', kind: 'Choix multiple', options: ['Cantine', 'Garderie', 'Étude'], settings: { 'Nombre maximal de cases cochées': '2' } },
  { label: 'Allergies ?', kind: 'Oui / non', required: true },
  { label: 'Lesquelles', kind: 'Texte court', required: true, when: { question: 'Allergies ?', equals: 'oui' } },
  { label: 'Commune de résidence', kind: 'Commune (code officiel INSEE)', required: true },
  { label: 'Adresse du domicile', kind: 'Adresse postale (France)', required: true },
  { label: 'Justificatif de domicile', kind: 'Pièce jointe (PDF, JPEG, PNG)', required: true },
  { label: "J'accepte le règlement", kind: 'Case à cocher (accord, consentement)', required: true },
];

async function citizenSends(page: Page, servicePath: string, extra?: (p: Page) => Promise<void>) {
  await page.goto(servicePath);
  await franceConnectButton(page).click();
  await franceConnectLogin(page);
  await expect(page).toHaveURL(new RegExp(`${servicePath}/formulaire$`));
  await expectNoAxeViolations(page);
  await page.getByLabel(/Numéro INE/).fill('12345');
  await page.getByLabel(/Courriel du parent/).fill('parent@example.fr');
  await page.getByLabel(/Téléphone du parent/).fill('06 12 34 56 78');
  await page.getByLabel(/Frères et sœurs/).fill('1');
  await page.getByLabel(/Date de naissance de l'enfant/).fill('2019-03-14');
  await page.getByRole('radio', { name: 'Élémentaire' }).check();
  await page.getByRole('checkbox', { name: 'Cantine' }).check();
  await page.getByRole('group', { name: /Allergies/ }).getByRole('radio', { name: 'Oui' }).check();
  await page.getByLabel(/Commune de résidence/).fill('75107');
  const home = page.getByRole('group', { name: /Adresse du domicile/ });
  await home.getByLabel('Numéro et voie').fill('12 rue de la Paix');
  await home.getByLabel('Code postal').fill('7500');
  await home.getByLabel('Commune', { exact: true }).fill('Paris');
  await page.getByLabel(/Justificatif de domicile/).setInputFiles({
    name: 'justificatif.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n'),
  });
  await page.getByLabel(/J'accepte le règlement/).check();
  if (extra) await extra(page);
  await page.getByRole('button', { name: 'Continuer' }).click();
  // The pattern's own message, and the conditional question required since the answer is "Oui".
  await expect(page.getByText("L'INE compte 9 chiffres puis 2 lettres.").first()).toBeVisible();
  await expect(page.getByRole('link', { name: /Lesquelles : Ce champ est obligatoire/ })).toBeVisible();
  await expectNoAxeViolations(page);
  await expect(page.getByRole('link', { name: /Adresse du domicile : Saisissez un code postal français/ })).toBeVisible();
  await expect(home.getByLabel('Numéro et voie')).toHaveValue('12 rue de la Paix');
  await home.getByLabel('Code postal').fill('75002');
  await page.getByLabel(/Numéro INE/).fill('123456789AB');
  await page.getByLabel(/Lesquelles/).fill('Arachides');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expect(page).toHaveURL(new RegExp(`${servicePath}/recapitulatif$`));
  await expect(page.getByText('Arachides')).toBeVisible();
  await expect(page.getByText('12 rue de la Paix, 75002 Paris')).toBeVisible();
  await expect(page.getByText('justificatif.pdf (1 Ko)')).toBeVisible();
  await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Demande envoyée');
  return (await citizenReference(page).textContent())!.trim();
}

test('build every kind with a condition, preview, publish twice, submit under each revision', async ({ browser }) => {
  test.setTimeout(120_000);
  const admin = await newAdminPage(browser);
  const title = `Inscription scolaire ${Date.now()}`;
  await admin.getByRole('link', { name: 'Créer un service' }).click();
  await admin.getByLabel('Titre du service').fill(title);
  await admin.getByLabel('Nom de naissance', { exact: true }).check();
  await admin.getByRole('button', { name: 'Créer le service' }).click();
  await expect(admin.getByRole('heading', { level: 1 })).toHaveText(title);
  await expectNoAxeViolations(admin);

  for (const field of FIELDS) await addField(admin, field);
  const editor = admin.url();
  // Both settings panels open: axe checks them too.
  await admin.getByText('Réglages selon le type (facultatif)').click();
  await admin.getByText('Affichage conditionnel (facultatif)').click();
  await expectNoAxeViolations(admin);
  await expect(fieldInList(admin, 'Lesquelles')).toContainText('Affiché seulement si « Allergies ? » est égale à « oui »');
  await expect(fieldInList(admin, 'Frères et sœurs inscrits')).toContainText('au moins 0, au plus 9, nombre entier');

  // Keyboard only: add a field, move it up, duplicate then delete and undo — Tab and Enter.
  await admin.goto(editor);
  await admin.getByLabel('Libellé du champ').focus();
  await admin.keyboard.type('Classe souhaitée');
  // Enter in a text input submits its form ("Ajouter le champ"), as in any browser.
  await admin.keyboard.press('Enter');
  await expect(fieldInList(admin, 'Classe souhaitée')).toBeVisible();
  await fieldInList(admin, 'Classe souhaitée').getByRole('button', { name: /Monter/ }).focus();
  await admin.keyboard.press('Enter');
  await expect(admin.locator('.field-list__item').nth(FIELDS.length - 1)).toContainText('Classe souhaitée');
  // Focus comes back to the moved field (its anchor).
  await expect(admin).toHaveURL(/#champ-/);
  await fieldInList(admin, 'Classe souhaitée').getByRole('button', { name: /Dupliquer/ }).focus();
  await admin.keyboard.press('Enter');
  await expect(fieldInList(admin, 'Classe souhaitée (copie)')).toBeVisible();
  await fieldInList(admin, 'Classe souhaitée (copie)').getByRole('button', { name: /Supprimer/ }).focus();
  await admin.keyboard.press('Enter');
  await expect(admin.getByRole('status')).toContainText('Champ supprimé');
  await expectNoAxeViolations(admin);
  await admin.getByRole('button', { name: /Annuler la suppression du champ Classe souhaitée \(copie\)/ }).focus();
  await admin.keyboard.press('Enter');
  await expect(fieldInList(admin, 'Classe souhaitée (copie)')).toBeVisible();
  await fieldInList(admin, 'Classe souhaitée (copie)').getByRole('button', { name: /Supprimer/ }).click();
  await fieldInList(admin, 'Classe souhaitée').getByRole('button', { name: /Supprimer/ }).click();
  await expect(admin.locator('.field-list__item')).toHaveCount(FIELDS.length);

  // The preview is the citizen's page, with nothing to send.
  await admin.getByRole('link', { name: 'Aperçu du formulaire' }).click();
  await expect(admin.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(admin.getByRole('note').filter({ hasText: 'Aperçu' })).toBeVisible();
  await expect(admin.getByText('À remplir seulement si : vous avez répondu « Oui » à « Allergies ? ».')).toBeVisible();
  await expect(admin.getByText('<b>pas du HTML</b>', { exact: false })).toBeVisible();
  await expect(admin.getByRole('link', { name: 'le règlement' })).toHaveAttribute('href', 'https://ville.example/reglement.pdf');
  await expect(admin.locator('strong', { hasText: '30 juin' })).toBeVisible();
  await expect(admin.getByRole('button', { name: 'Continuer' })).toBeDisabled();
  await expectNoAxeViolations(admin);
  await admin.getByRole('link', { name: 'Retour au formulaire en construction' }).click();

  await admin.getByRole('button', { name: 'Publier' }).click();
  await expect(statusBadge(admin)).toHaveText('En ligne');
  const href = await admin.getByRole('link', { name: 'Ouvrir le service' }).getAttribute('href');
  const servicePath = new URL(href ?? '', admin.url()).pathname;

  const first = await citizenSends(await (await browser.newContext()).newPage(), servicePath);

  // A new revision: one more question; the published one keeps serving until it is published.
  await admin.goto(editor);
  await addField(admin, { label: 'Classe à la rentrée', kind: 'Texte court', required: true });
  await expect(admin.getByText('modifications non publiées')).toBeVisible();
  await admin.getByRole('button', { name: 'Publier' }).click();
  await expect(admin.getByText(/version publiée : 2/)).toBeVisible();
  const second = await citizenSends(await (await browser.newContext()).newPage(), servicePath,
    async (p) => { await p.getByLabel(/Classe à la rentrée/).fill('CE2'); });

  // The inbox shows each request with the questions of its own revision.
  await admin.goto('/admin/inbox');
  await referenceLink(admin, first).click();
  let answers = admin.getByRole('region', { name: 'Réponses' });
  await expect(answers).toContainText('123456789AB');
  await expect(answers).toContainText('Arachides');
  await expect(answers).not.toContainText('Classe à la rentrée');
  // The attached file: downloaded as the citizen sent it.
  const [download] = await Promise.all([
    admin.waitForEvent('download'),
    answers.getByRole('link', { name: /Télécharger la pièce jointe « Justificatif de domicile »/ }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('justificatif.pdf');
  await expectNoAxeViolations(admin);
  await admin.goto('/admin/inbox');
  await referenceLink(admin, second).click();
  answers = admin.getByRole('region', { name: 'Réponses' });
  await expect(answers).toContainText('Classe à la rentrée');
  await expect(answers).toContainText('CE2');
});
