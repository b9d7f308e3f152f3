/**
 * Pages and the code they describe, where they drifted apart before (issue #32, "Docs and pages
 * that disagree"): each fact read from the code, never restated here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { LOGIN_PER_IP } from '../../src/login/login.rate-limits';
import { policyOf } from '../../src/platform/rate-limit/rate-limit';
import type { ExecutionContext } from '@nestjs/common';
import { AMR } from '../../src/proofs/proof-vocabulary';
import { MAX_RESOURCES_PER_REQUEST } from '../../src/oauth/resource/check-resource';
import { ROOT, readme } from '../support/readme';

const read = (...path: string[]) => readFileSync(join(ROOT, ...path), 'utf8');

/** The cells of the table row of `markdown` whose first cell is exactly `first`. */
function row(markdown: string, first: string): string[] | undefined {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .find((cells) => cells[1] === first)
    ?.slice(1, -1);
}

/** `METHOD /path` of every route whose rate-limit policy counts `rule`, from the controllers' metadata. */
function routesCharging(ruleName: string): string[] {
  const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter(
    (name) =>
      name.endsWith('.controller.ts') &&
      // Only controllers that can name the rule load: the rest never count it.
      /rate-limits'/.test(read('src', name)),
  );
  const routes: string[] = [];
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(join(ROOT, 'src', file)) as Record<string, unknown>;
    for (const controller of Object.values(exports)) {
      if (typeof controller !== 'function') continue;
      const base = Reflect.getMetadata(PATH_METADATA, controller) as string | undefined;
      if (base === undefined) continue;
      const prototype = (controller as { prototype: Record<string, unknown> }).prototype;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        // As the guard reads it for a request: the handler's policy, else its controller's.
        const policy = policyOf({
          getHandler: () => handler,
          getClass: () => controller,
        } as unknown as ExecutionContext);
        if (path === undefined || !policy?.limits.some((l) => l.rule.name === ruleName)) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const full = `/${[base, path]
          .map((p) => p.replace(/^\/|\/$/g, ''))
          .filter(Boolean)
          .join('/')}`;
        routes.push(`${method} ${full}`);
      }
    }
  }
  return routes.sort();
}

describe('what the README and docs say agrees with the code', () => {
  it('package.json describes the five login models', () => {
    const pkg = JSON.parse(read('package.json')) as { description: string };
    expect(Object.keys(AMR).sort()).toEqual(['passkey', 'password', 'siwb', 'siwe', 'siws']);
    expect(pkg.description).toMatch(/\bfive\b/);
    for (const model of [
      'PKCE',
      'Sign-In with Ethereum',
      'Sign In With Solana',
      'Sign in with Bitcoin',
      'passkeys',
    ]) {
      expect(pkg.description).toContain(model);
    }
  });

  it('docs/PASSKEYS-AND-ACCOUNTS.md counts every proof, and its amr table has a row per login with the amr it gets', () => {
    const doc = read('docs', 'PASSKEYS-AND-ACCOUNTS.md');
    expect(doc).toMatch(/signs people in with five proofs/);
    const section = doc.slice(doc.indexOf('## What a login says'));
    for (const [method, amr] of Object.entries(AMR)) {
      const cells = section
        .split('\n')
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .find((c) => c[2] === `\`${method}\``);
      expect({ method, amr: cells?.[3]?.startsWith(`\`${JSON.stringify(amr)}\``) }).toEqual({
        method,
        amr: true,
      });
    }
  });

  it("the README's RATE_LIMIT_LOGIN_PER_IP row names every route that counts it", () => {
    const routes = routesCharging(LOGIN_PER_IP.name);
    // The check itself reads the metadata: the login form is among them.
    expect(routes).toContain('POST /login');
    const meaning = row(readme(), '`RATE_LIMIT_LOGIN_PER_IP`')?.[2] ?? '';
    const unnamed = routes.filter((route) => {
      const path = route.split(' ')[1];
      if (path.startsWith('/account/') || path === '/account')
        return !meaning.includes('/account/*');
      return !new RegExp(`\`(POST )?${path.replace(/[/]/g, '\\/')}\``).test(meaning);
    });
    expect(unnamed).toEqual([]);
  });

  it('README states where its npm start figures come from, and they are those of docs/BENCHMARKS.md', () => {
    const benchmarks = read('docs', 'BENCHMARKS.md');
    const section = benchmarks.slice(benchmarks.indexOf('<!-- bench:start -->'));
    const median = (label: RegExp) =>
      section
        .split('\n')
        .find((line) => label.test(line))
        ?.split('|')[2]
        ?.trim();
    const ready = median(/^\| Ready, nothing changed/);
    const portTaken = median(/^\| `PORT` taken/);
    expect(ready).toMatch(/^\d+(\.\d)? s$/);
    const text = readme();
    expect(text).toContain(`ready in **${ready}**`);
    expect(text).toContain(`refused in **${portTaken}**`);
    expect(text).toContain('docs/BENCHMARKS.md#npm-start-ready-and-refusals');
  });

  it('README and docs/OAUTH.md state how many resources one authorization request may name', () => {
    const limit = `at most ${MAX_RESOURCES_PER_REQUEST} times`;
    expect(row(readme(), '`GET /authorize`')?.[1]).toContain(limit);
    expect(read('docs', 'OAUTH.md')).toContain(limit);
  });
});
