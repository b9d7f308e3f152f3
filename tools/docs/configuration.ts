/**
 * docs/CONFIGURATION.md, written from the settings each config section declares beside its
 * reader (src/config/settings.ts): `npm run docs:config` writes it, and
 * test/tooling/configuration-doc.spec.ts fails when the committed file is not this output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Setting, SettingType, SettingsSection } from '../../src/config/setting';
import { SETTINGS_SECTIONS } from '../../src/config/settings';
import { wrapMarkdown } from './wrap-markdown';

export const CONFIGURATION_DOC = join(__dirname, '..', '..', 'docs', 'CONFIGURATION.md');

/** The width prose is wrapped to, as the hand-written pages are. */
const WIDTH = 100;

function typeText(type: SettingType): string {
  switch (type.kind) {
    case 'whole':
      return type.max === undefined
        ? `Whole number, at least ${type.min}`
        : `Whole number, ${type.min} to ${type.max}`;
    case 'boolean':
      return '`true` or `false`';
    case 'choice':
      return `One of ${type.values.map((value) => `\`${value}\``).join(', ')}`;
    case 'text':
      return type.shape.charAt(0).toUpperCase() + type.shape.slice(1);
  }
}

function defaultText(setting: Setting): string {
  const value = setting.default;
  if (typeof value === 'object') return `Unset: ${value.unset}.`;
  const note = setting.defaultNote === undefined ? '' : ` ${setting.defaultNote}`;
  return `Default: \`${String(value)}\`${note}.`;
}

function renderSetting(setting: Setting): string[] {
  return [
    `### \`${setting.name}\``,
    '',
    ...wrapMarkdown(`${typeText(setting.type)}. ${defaultText(setting)}`, WIDTH),
    '',
    ...setting.description
      .split('\n\n')
      .flatMap((paragraph) => [...wrapMarkdown(paragraph, WIDTH), '']),
  ];
}

function renderSection(section: SettingsSection): string[] {
  return [
    `## ${section.title}`,
    '',
    ...wrapMarkdown(section.intro, WIDTH),
    '',
    ...section.settings.flatMap(renderSetting),
  ];
}

export function renderConfigurationReference(
  sections: readonly SettingsSection[] = SETTINGS_SECTIONS,
): string {
  const intro = [
    'All settings are environment variables. `npm start` and `docker compose` also read a `.env`',
    'file, and [`.env.example`](../.env.example) lists every one of them. An invalid value stops the',
    'process at boot, before anything starts, with one line per invalid variable naming it. The',
    'variables read only by the tools and tests are in',
    '[Development](DEVELOPMENT.md#variables-read-by-the-tools-and-tests).',
  ];
  const contents = wrapMarkdown(
    `Sections: ${sections
      .map((section) => `[${section.title}](#${anchorOf(section.title)})`)
      .join(', ')}.`,
    WIDTH,
  );
  const lines = [
    '# Configuration',
    '',
    '<!-- Written by `npm run docs:config` from the settings declared in src/config: edit them there. -->',
    '',
    ...intro,
    '',
    ...contents,
    '',
    ...sections.flatMap(renderSection),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

/** GitHub's anchor of a heading of plain words. */
function anchorOf(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

if (require.main === module) {
  const text = renderConfigurationReference();
  if (process.argv.includes('--check')) {
    if (readFileSync(CONFIGURATION_DOC, 'utf8') !== text) {
      process.stderr.write('docs/CONFIGURATION.md is stale: run npm run docs:config\n');
      process.exit(1);
    }
  } else {
    writeFileSync(CONFIGURATION_DOC, text);
    process.stdout.write('wrote docs/CONFIGURATION.md\n');
  }
}
