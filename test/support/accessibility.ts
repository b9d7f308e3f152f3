/**
 * axe-core's verdict on a page in the project's Chromium: WCAG 2.0 to 2.2, levels A and AA, and
 * axe's best practices (landmarks, heading order, ...). docs/LANGUAGES.md#accessibility.
 */
import axe from 'axe-core';
import type { AxeResults, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

const AXE_OPTIONS: RunOptions = {
  runOnly: {
    type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
  },
};

/**
 * What axe finds on the page as it stands, a line each: `<what>: <rule> (<impact>) <element>:
 * <help>`. axe is evaluated as a string, as DevTools would: our pages' CSP has no `unsafe-eval`
 * to lift, and none is lifted.
 */
export async function accessibilityViolations(page: Page, what: string): Promise<string[]> {
  await page.evaluate(axe.source);
  const result = await page.evaluate<AxeResults>(
    `axe.run(document, ${JSON.stringify(AXE_OPTIONS)})`,
  );
  return result.violations.flatMap((rule) =>
    rule.nodes.map(
      (node) => `${what}: ${rule.id} (${rule.impact}) ${node.target.join(' ')}: ${rule.help}`,
    ),
  );
}
