// The citizen never loses what they typed and never sends twice: the identity session ends
// mid-form (its cookie is gone, as after FranceConnect's 30 minutes), the citizen logs in again
// and finds their answers; the send button is hit twice at once and one submission exists.
// Then the receipt is downloaded and the page works in English. axe-core on the pages visited.
import { test, expect } from '@playwright/test';
import { createLibraryService, franceConnectLogin, newAdminPage } from './support/actions';
import { expectNoAxeViolations } from './support/checks';
import { APP_URL } from './support/env';
import { REFERENCE, citizenReference, franceConnectButton } from './support/locators';

test('draft kept across an expired session, one submission for a double send, receipt', async ({ browser }) => {
  const admin = await newAdminPage(browser);
  const title = `Cantine ${Date.now()}`;
  const servicePath = await createLibraryService(admin, title);

  const context = await browser.newContext();
  const citizen = await context.newPage();
  await citizen.goto(servicePath);
  await franceConnectButton(citizen).click();
  await franceConnectLogin(citizen);
  await citizen.getByRole('textbox', { name: /Numéro de carte de lecteur/ }).fill('D-4242');
  await citizen.getByRole('radio', { name: 'Bandes dessinées' }).check();
  await citizen.getByRole('button', { name: 'Continuer' }).click();
  await expect(citizen).toHaveURL(new RegExp(`${servicePath}/recapitulatif$`));

  // The identity session ends (its cookie is gone); the next page sends the citizen to log in.
  const sessionCookies = (await context.cookies()).filter((c) => c.name.includes('iclefs-citizen'));
  expect(sessionCookies.length).toBe(1);
  await context.clearCookies({ name: sessionCookies[0].name });
  await citizen.goto(`${servicePath}/formulaire`);
  await expect(citizen).toHaveURL(new RegExp(`${servicePath}$`));
  await franceConnectButton(citizen).click();
  // FranceConnect's own session may still be open (silent login) or ask again.
  await citizen.waitForURL((u) => u.pathname.endsWith('/formulaire') || u.pathname.includes('/interaction/'));
  if (citizen.url().includes('/interaction/')) await franceConnectLogin(citizen);
  await expect(citizen).toHaveURL(new RegExp(`${servicePath}/formulaire$`));
  await expect(citizen.getByRole('textbox', { name: /Numéro de carte de lecteur/ })).toHaveValue('D-4242');
  await expect(citizen.getByRole('radio', { name: 'Bandes dessinées' })).toBeChecked();
  await expectNoAxeViolations(citizen);

  // Two sends at once (a double click that the browser did not swallow, a resent post).
  await citizen.getByRole('button', { name: 'Continuer' }).click();
  await expect(citizen).toHaveURL(new RegExp(`${servicePath}/recapitulatif$`));
  const send = () => context.request.post(`${servicePath}/envoyer`, {
    headers: { Origin: APP_URL }, maxRedirects: 0, form: {},
  });
  const answers = await Promise.all([send(), send()]);
  const statuses = answers.map((r) => r.status()).sort();
  expect(statuses).toEqual([303, 409]);
  await citizen.goto(`${servicePath}/confirmation`);
  await expect(citizenReference(citizen)).toHaveText(REFERENCE);
  const reference = (await citizenReference(citizen).textContent())!.trim();
  await expectNoAxeViolations(citizen);

  // Exactly one submission reached the inbox.
  await admin.goto(`/admin/inbox?status=all&q=${reference}`);
  await expect(admin.getByRole('link', { name: reference })).toHaveCount(1);
  await admin.goto('/admin/inbox?status=all&q=DUBOIS');
  const rows = admin.getByRole('row').filter({ hasText: title });
  await expect(rows).toHaveCount(1);

  // The receipt, as a download.
  const [download] = await Promise.all([
    citizen.waitForEvent('download'),
    citizen.getByRole('link', { name: 'Télécharger le récépissé (PDF)' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`recepisse-${reference}.pdf`);

  // In English, the same confirmation.
  await citizen.goto(`${servicePath}/confirmation?lang=en`);
  await expect(citizen.locator('html')).toHaveAttribute('lang', 'en');
  await expect(citizen.getByRole('heading', { level: 1 })).toHaveText('Request sent');
  await expect(citizen.getByRole('link', { name: 'Download the receipt (PDF)' })).toBeVisible();
  await expectNoAxeViolations(citizen);
});
