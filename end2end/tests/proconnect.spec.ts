// ProConnect for agents, against the stand-in in oidc/proconnect-provider.mjs (which refuses any
// acr_values parameter, as ProConnect does): the button comes first on the login page, an invited
// agent's account is found by the professional email and bound to ProConnect's sub, logout goes
// through ProConnect's end_session, and an unknown address gets a clear refusal.
import { test, expect } from '@playwright/test';
import { expectNoAxeViolations } from './support/checks';
import { ADMIN_EMAIL } from './support/env';

test('an agent signs in and out with ProConnect; an unknown address is refused', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await page.goto('/admin/login');
  const button = page.getByRole('button', { name: /S’identifier avec\s*ProConnect/ });
  await expect(button).toBeVisible();
  await expect(page.getByRole('link', { name: 'Qu’est-ce que ProConnect ?' })).toHaveAttribute('target', '_blank');
  await expectNoAxeViolations(page);

  await button.click();
  await page.getByLabel('Adresse électronique professionnelle').fill(ADMIN_EMAIL.toUpperCase());
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Tableau de bord');

  // Logout ends the ProConnect session too, and comes back to the login page.
  const ended: string[] = [];
  page.on('request', (r) => { if (r.url().includes('/session/end')) ended.push(r.url()); });
  await page.getByRole('button', { name: /Se déconnecter/ }).click();
  await expect(page).toHaveURL(/\/admin\/login/);
  expect(ended.length).toBeGreaterThan(0);
  expect(ended[0]).toContain('id_token_hint=');
  // The session is gone.
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login/);

  // Someone ProConnect knows but this instance does not.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto('/admin/login');
  await stranger.getByRole('button', { name: /S’identifier avec\s*ProConnect/ }).click();
  await stranger.getByLabel('Adresse électronique professionnelle').fill('inconnu@autre-ville.test');
  await stranger.getByRole('button', { name: 'Continuer' }).click();
  await expect(stranger.getByText(/Aucun compte i-CLEFS n'est ouvert pour inconnu@autre-ville\.test/).first()).toBeVisible();
  await expectNoAxeViolations(stranger);
  await stranger.goto('/admin');
  await expect(stranger).toHaveURL(/\/admin\/login/);
});
