// The distribution kit in a browser: the admin copies the HTML line, a foreign website embeds it,
// a visitor clicks it and reaches the service, and the "site" channel counts the visit.
import { test, expect } from '@playwright/test';
import { adminLogin, createLibraryService } from './support/actions';
import { expectNoAxeViolations } from './support/checks';

test('the HTML line works inside a foreign page and is counted', async ({ browser }) => {
  const adminContext = await browser.newContext();
  await adminContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: 'http://127.0.0.1:3100' });
  const admin = await adminContext.newPage();
  await adminLogin(admin);
  const title = `Portage de repas ${Date.now()}`;
  const servicePath = await createLibraryService(admin, title);
  const editorUrl = admin.url();

  // Copy with the button (an island: retry until hydrated), then read the clipboard.
  await expect(async () => {
    await admin.getByRole('button', { name: /Copier la ligne HTML|Copié/ }).click();
    await expect(admin.getByRole('button', { name: 'Copié !' })).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  const line = await admin.evaluate(() => navigator.clipboard.readText());
  expect(line).toBe(await admin.getByLabel('Ligne HTML à coller dans le site de la commune').inputValue());
  expect(line.toLowerCase()).not.toContain('<script');

  // A municipal website on another origin, as a CMS would render the pasted line.
  const visitorContext = await browser.newContext();
  await visitorContext.route('http://mairie-exemple.test/**', (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Mairie d'exemple</title></head>
<body><main><h1>Démarches en ligne</h1><p>${line}</p></main></body></html>`,
  }));
  const site = await visitorContext.newPage();
  await site.goto('http://mairie-exemple.test/demarches');
  // Valid HTML: the line parses into exactly one link, with the service title as its name.
  const parsed = await site.evaluate((html) => {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    return { elements: doc.body.querySelectorAll('*').length, tag: doc.body.firstElementChild?.tagName };
  }, line);
  expect(parsed).toEqual({ elements: 1, tag: 'A' });
  const link = site.getByRole('link', { name: title });
  await expect(link).toBeVisible();
  await expectNoAxeViolations(site);
  await link.click();
  await expect(site).toHaveURL(new RegExp(`${servicePath}\\?src=site$`));
  await expect(site.getByRole('heading', { level: 1 })).toHaveText(title);

  await admin.goto(editorUrl);
  const siteRow = admin.getByRole('row', { name: /Site de la commune/ });
  await expect(siteRow.getByRole('cell').nth(0)).toHaveText('1');
  await expectNoAxeViolations(admin);
});

test('the printable poster page is accessible', async ({ browser }) => {
  const context = await browser.newContext();
  const admin = await context.newPage();
  await adminLogin(admin);
  await createLibraryService(admin, `Affiche ${Date.now()}`);
  await admin.getByRole('link', { name: 'Affiche à imprimer depuis le navigateur' }).click();
  await expect(admin.getByRole('img', { name: /QR code ouvrant/ })).toBeVisible();
  await expectNoAxeViolations(admin);
});

test('the settings page refuses a colour that fails the contrast check', async ({ browser }) => {
  const context = await browser.newContext();
  const admin = await context.newPage();
  await adminLogin(admin);
  await admin.getByRole('link', { name: 'Paramètres' }).click();
  await admin.getByLabel('Couleur principale').fill('#ffff00');
  await admin.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await expect(admin.getByText(/trop claire/).first()).toBeVisible();
  await expectNoAxeViolations(admin);
  await admin.getByLabel('Couleur principale').fill('#1d4ed8');
  await admin.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await expect(admin.getByRole('status')).toHaveText('Paramètres enregistrés.');
  await expectNoAxeViolations(admin);
});
