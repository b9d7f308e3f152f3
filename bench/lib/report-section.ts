import { readFileSync, writeFileSync } from 'node:fs';

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
  writeFileSync(path, next);
}
