// Assertions shared by the journeys.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** Runs axe-core with the WCAG 2.1 A/AA and RGAA 4 rules; fails with a readable list. */
export async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'RGAAv4'])
    .analyze();
  const readable = results.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`);
  expect(readable, `axe violations on ${page.url()}`).toEqual([]);
}
