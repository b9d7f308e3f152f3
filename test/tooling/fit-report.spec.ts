/**
 * The reports tools write (docs/BENCHMARKS.md by the bench scripts, docs/RELIABILITY.md by the
 * fleet run) are fitted to the docs' width as they are written, so line-length.spec.ts holds them
 * like every hand-written page.
 */
import { DOCS_WIDTH, fitReport } from '../../tools/docs/fit-report';

const longest = (markdown: string) => Math.max(...markdown.split('\n').map((l) => [...l].length));

describe('fitReport', () => {
  const wide = 'x'.repeat(DOCS_WIDTH);

  it('leaves a table that fits as it is', () => {
    const table = '| Phase | req/s |\n| --- | --- |\n| nonce | 1886 |';
    expect(fitReport(table)).toBe(table);
  });

  it('writes a two-column table too wide for the page as a list: first cell, then the other', () => {
    const table = `| Target | Measured |\n| --- | --- |\n| nonce ≥ 2× | 2.39× |\n| sign-in | ${wide} |`;
    const fitted = fitReport(table);
    expect(fitted.split('\n')[0]).toBe('- nonce ≥ 2×: 2.39×');
    expect(fitted).not.toContain('|');
    expect(fitted).toContain(`- sign-in:\n  ${wide}`);
  });

  it('writes a wider table as items with a line per other cell, named by its heading (if any)', () => {
    const table = `| Phase | req/s | | By command |\n| --- | ---: | --- | --- |\n| nonce | 1886 | met | ${wide} |`;
    expect(fitReport(table).split('\n').slice(0, 3)).toEqual([
      '- nonce',
      '  - req/s: 1886',
      '  - met',
    ]);
  });

  it('wraps long prose and list items, nested ones with their indentation, never inside code', () => {
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const fitted = fitReport(`${words}\n\n- ${words}\n  - ${words} \`a code span\``);
    expect(longest(fitted)).toBeLessThanOrEqual(DOCS_WIDTH);
    expect(fitted).toContain('`a code span`');
    expect(fitted.split('\n').filter((line) => line.startsWith('  - '))).toHaveLength(1);
    expect(fitted.split('\n').filter((line) => line.startsWith('    word'))).not.toEqual([]);
  });

  it('leaves fenced code, headings and comments alone', () => {
    const markdown = `# ${wide}\n<!-- bench:${wide} -->\n\`\`\`bash\n${wide} ${wide}\n\`\`\``;
    expect(fitReport(markdown)).toBe(markdown);
  });

  it('is the same when run again (a run that rewrites a report rewrites only its figures)', () => {
    const report = `| Target | Measured |\n| --- | --- |\n| sign-in | ${wide} |\n\n- ${wide} ${wide}`;
    expect(fitReport(fitReport(report))).toBe(fitReport(report));
  });
});
