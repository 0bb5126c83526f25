// Assertions shared by the journeys.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** Runs axe-core with the WCAG 2.1 A/AA and RGAA 4 rules; fails with a readable list. */
export async function expectNoAxeViolations(page: Page) {
  // A sandboxed frame (the mail previews) runs no script, so axe cannot be injected into it; in
  // its default mode @axe-core/playwright then fails to open its result page in Chromium 156
  // ("Failed to open a new tab"). Legacy mode checks the page and the frame element itself
  // (title, ...) without entering the frame, whose content is an email, not a page.
  const sandboxed = await page.locator('iframe[sandbox]').count();
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'RGAAv4'])
    .setLegacyMode(sandboxed > 0)
    .analyze();
  const readable = results.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`);
  expect(readable, `axe violations on ${page.url()}`).toEqual([]);
}
