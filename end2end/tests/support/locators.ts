// The UI contract in one place: how the specs find things, by role and accessible name first
// (what assistive technologies see), a CSS hook only where no role carries the meaning.
import type { Locator, Page } from '@playwright/test';

/** The DSFR "S’identifier avec FranceConnect" control: a submit button today, a link is allowed. */
export function franceConnectButton(page: Page): Locator {
  const name = /S’identifier avec\s*FranceConnect/;
  return page.getByRole('button', { name }).or(page.getByRole('link', { name }));
}

/** The mandatory help link next to the FranceConnect button (opens a new window). */
export function franceConnectHelpLink(page: Page): Locator {
  return page.getByRole('link', { name: 'Qu’est-ce que FranceConnect ?' });
}

/** The read-only identity block of the citizen form ("Votre identité – Certifié par FranceConnect"). */
export function certifiedIdentity(page: Page): Locator {
  const name = /Certifié par FranceConnect/;
  return page.getByRole('region', { name }).or(page.getByRole('group', { name }));
}

/** The error summary at the top of a refused form: an alert named by its heading (either is enough). */
export function errorSummary(page: Page): Locator {
  const name = 'Le formulaire contient des erreurs';
  return page.getByRole('alert', { name }).or(page.getByRole('heading', { name })).first();
}

/** The per-field message of a required field left empty (text ends with a full stop in the app). */
export function requiredFieldError(page: Page): Locator {
  return page.getByText(/^Ce champ est obligatoire\.?$/);
}

/** "État : <strong class=status>…" on the service editor, "statut : …" on a submission. */
export function statusBadge(page: Page): Locator {
  return page.locator('.status');
}

/** An inbox filter tab: a link "À traiter (3)", "Traitées (0)" or "Toutes (3)". */
export function inboxTab(page: Page, label: 'À traiter' | 'Traitées' | 'Toutes'): Locator {
  return page.getByRole('navigation', { name: 'Statut des demandes' })
    .getByRole('link', { name: new RegExp(`^${label} \\(\\d+\\)$`) });
}

/** A submission reference (ABCD-EFGH) as shown to the citizen, and as a link in the inbox. */
export const REFERENCE = /^[2-9A-Z]{4}-[2-9A-Z]{4}$/;
export function citizenReference(page: Page): Locator {
  return page.locator('#reference');
}
export function referenceLink(page: Page, reference: string): Locator {
  return page.getByRole('link', { name: reference, exact: true });
}
