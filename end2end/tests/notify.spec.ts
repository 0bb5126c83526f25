// An agent finds a submission with the inbox filters, processes it and writes to the citizen;
// both the citizen's receipt and the agent's message arrive at a real SMTP server (aiosmtpd,
// started by Playwright), and the submission's page shows them delivered.
import { test, expect } from '@playwright/test';
import { readFileSync, existsSync } from 'node:fs';
import { adminLogin, createLibraryService, franceConnectLogin } from './support/actions';
import { expectNoAxeViolations } from './support/checks';
import { MAIL_LOG } from './support/env';
import { franceConnectButton, referenceLink, statusBadge } from './support/locators';

interface SinkMail { event: string; rcpt_tos: string[]; subject: string; text: string; message_id: string }

function mails(): SinkMail[] {
  if (!MAIL_LOG || !existsSync(MAIL_LOG)) return [];
  return readFileSync(MAIL_LOG, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SinkMail);
}

test('process a submission and notify the citizen: the mail reaches the SMTP server', async ({ browser }) => {
  test.skip(!MAIL_LOG, 'needs the SMTP sink started by `cargo xtask test`');
  const admin = await (await browser.newContext()).newPage();
  await adminLogin(admin);
  const title = `Carte de stationnement ${Date.now()}`;
  const servicePath = await createLibraryService(admin, title, {
    claims: ['Nom de naissance', 'Prénoms', 'Adresse électronique'],
  });

  const citizen = await (await browser.newContext()).newPage();
  await citizen.goto(servicePath);
  await franceConnectButton(citizen).click();
  await franceConnectLogin(citizen);
  await citizen.getByRole('textbox', { name: /Numéro de carte de lecteur/ }).fill('B-998877');
  await citizen.getByRole('radio', { name: 'Adultes' }).check();
  await citizen.getByRole('button', { name: 'Continuer' }).click();
  await citizen.getByRole('button', { name: 'Envoyer ma demande' }).click();
  const reference = (await citizen.locator('#reference').textContent())!.trim();
  await expect.poll(() => mails().some((m) => m.event === 'accepted'
    && m.rcpt_tos.includes('wossewodda-3728@yopmail.com') && m.subject.includes(reference)), { timeout: 20_000 }).toBe(true);

  // The inbox search finds it by family name; axe on the filtered inbox.
  await admin.goto('/admin/inbox');
  await admin.getByLabel('Référence ou nom de famille').fill('dubo');
  await admin.getByRole('button', { name: 'Filtrer' }).click();
  await expect(admin).toHaveURL(/q=dubo/);
  await expectNoAxeViolations(admin);
  await referenceLink(admin, reference).click();
  await admin.getByRole('button', { name: 'Marquer comme traitée' }).click();
  await expect(statusBadge(admin)).toHaveText('Traitée');

  await admin.getByLabel('Message', { exact: true }).fill('Votre carte est prête : passez la retirer en mairie.');
  await admin.getByRole('button', { name: 'Prévisualiser' }).click();
  const preview = admin.getByRole('region', { name: 'Aperçu du courriel' });
  await expect(preview).toContainText('wossewodda-3728@yopmail.com');
  await expect(preview).toContainText('Votre carte est prête');
  await expectNoAxeViolations(admin);
  await admin.getByRole('button', { name: 'Envoyer ce courriel' }).click();
  await expect(admin.getByRole('status').filter({ hasText: "file d'attente" })).toBeVisible();
  await expect.poll(() => mails().some((m) => m.event === 'accepted'
    && m.rcpt_tos.includes('wossewodda-3728@yopmail.com') && m.text.includes('Votre carte est prête')), { timeout: 20_000 }).toBe(true);

  // Delivery shows on the page: every message about this submission is "Envoyé".
  await expect(async () => {
    await admin.reload();
    const mailsSection = admin.getByRole('region', { name: 'Courriels' });
    await expect(mailsSection.getByText('Envoyé', { exact: true })).toHaveCount(3, { timeout: 500 });
  }).toPass({ timeout: 20_000 });
  await expectNoAxeViolations(admin);
});
