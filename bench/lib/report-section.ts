import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fitReport } from '../../tools/docs/fit-report';

/**
 * Writes a bench report (docs/BENCHMARKS.md or an --out file) formatted as `npm run lint` wants
 * it: the tables the scripts render are aligned by prettier, so a run that rewrites the file
 * leaves it as clean as the rest of the docs (`prettier --check`); and fitted to the docs' width
 * (a table too wide for it becomes a list, a long line is wrapped: fitReport).
 */
export function writeReport(path: string, text: string): void {
  writeFileSync(path, fitReport(text));
  execFileSync(
    process.execPath,
    [require.resolve('prettier/bin/prettier.cjs'), '--log-level', 'warn', '--write', path],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

/**
 * Replaces the section `name` of a bench report (`<!-- bench:NAME -->` … `<!-- /bench:NAME -->`),
 * or appends it: several bench scripts share docs/BENCHMARKS.md, each rewriting its own part.
 * `section` holds both markers.
 */
export function writeReportSection(path: string, name: string, section: string): void {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const text = readFileSync(path, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? `${text.slice(0, from)}${section}${text.slice(to + end.length)}`
      : `${text.trimEnd()}\n\n${section}\n`;
  writeReport(path, next);
}
