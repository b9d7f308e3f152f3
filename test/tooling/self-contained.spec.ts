/**
 * The tests need nothing outside the clone: no test or test-support file reads a path beside or
 * above the repository (the SIWE vectors once lived in a folder beside the checkout, so a plain
 * GitHub clone failed four suites). Read from the code itself: every path built from `__dirname`,
 * `__filename` or `process.cwd()` (directly, through a constant, or through a constant imported
 * from another test file) by `join`/`resolve`/`dirname` must stay inside the repository, and so
 * must every relative import and every relative path handed to `fs`. The docs do not ask anyone to
 * put anything beside the repository either.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';
import { ROOT } from '../support/readme';
import { trackedMarkdown } from '../support/docs';
import { trackedFiles } from '../support/tracked-files';

/** A path value as far as the code lets it be known; `anchored` = derived from the file's place. */
interface Known {
  path: string;
  anchored: boolean;
}

type ReadSource = (file: string) => string | undefined;

/** Names whose call builds a path from its arguments (`path.join`, `join`, `posix.resolve`...). */
const PATH_BUILDERS = new Set(['join', 'resolve']);
/** `fs` calls whose first argument is a path read (or listed, or checked) by the test. */
const FS_READS = new Set([
  'readFileSync',
  'readFile',
  'readdirSync',
  'readdir',
  'existsSync',
  'statSync',
  'stat',
  'lstatSync',
  'accessSync',
  'access',
  'openSync',
  'open',
  'createReadStream',
  'cpSync',
  'copyFileSync',
]);

/** Texts that only a lookup beside the repository would contain. */
const FORBIDDEN_TEXT: readonly RegExp[] = [
  /shared\/vectors/,
  /\.\.\/shared\b/,
  /['"`]\.\.['"`]\s*,\s*['"`]shared['"`]/,
  /['"`]shared['"`]\s*,\s*['"`]vectors['"`]/,
];

const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

function calleeName(callee: ts.Expression): string | undefined {
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

function resolveModule(from: string, specifier: string, read: ReadSource): string | undefined {
  const base = resolve(dirname(from), specifier);
  return [base, `${base}.ts`, `${base}.js`, join(base, 'index.ts'), join(base, 'index.js')].find(
    (candidate) => /\.[cm]?[tj]s$/.test(candidate) && read(candidate) !== undefined,
  );
}

/**
 * Every place in `file` that reaches outside `root`, as `file:line what`. `read` gives a file's
 * source (so constants imported from other test files are followed), or undefined if none.
 */
export function outsideReads(root: string, file: string, read: ReadSource): string[] {
  const found: string[] = [];
  const text = read(file);
  if (text === undefined) return found;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const where = (node: ts.Node) =>
    `${relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;

  for (const pattern of FORBIDDEN_TEXT) {
    const match = pattern.exec(text);
    if (match) {
      const line = text.slice(0, match.index).split('\n').length;
      found.push(`${relative(root, file)}:${line} names "${match[0]}"`);
    }
  }

  const evaluator = new PathEvaluator(root, read);
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      checkSpecifier(node.moduleSpecifier);
    }
    if (ts.isCallExpression(node)) {
      const name = calleeName(node.expression);
      const isRequire = name === 'require' || node.expression.kind === ts.SyntaxKind.ImportKeyword;
      if (isRequire && node.arguments[0] !== undefined && ts.isStringLiteral(node.arguments[0])) {
        checkSpecifier(node.arguments[0]);
      }
      if (name !== undefined && PATH_BUILDERS.has(name)) {
        const prefix = evaluator.longestKnownPrefix(file, node, name);
        if (prefix?.anchored && !inside(root, prefix.path)) {
          found.push(
            `${where(node)} builds ${relative(root, prefix.path)} (outside the repository)`,
          );
        }
      }
      if (name !== undefined && FS_READS.has(name) && node.arguments[0] !== undefined) {
        const value = evaluator.evaluate(file, node.arguments[0]);
        // A relative path is read from the working directory, which is the repository's root.
        if (value !== undefined && (value.anchored || !isAbsolute(value.path))) {
          const target = resolve(root, value.path);
          if (!inside(root, target)) {
            found.push(`${where(node)} ${name} ${relative(root, target)} (outside the repository)`);
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  const checkSpecifier = (literal: ts.StringLiteral) => {
    if (!literal.text.startsWith('.')) return;
    const target = resolve(dirname(file), literal.text);
    if (!inside(root, target)) {
      found.push(`${where(literal)} imports ${literal.text} (outside the repository)`);
    }
  };
  visit(source);
  return found;
}

/** Evaluates the path expressions a test file builds, as far as they are static. */
class PathEvaluator {
  private readonly sources = new Map<string, ts.SourceFile | undefined>();

  constructor(
    private readonly root: string,
    private readonly read: ReadSource,
  ) {}

  /**
   * The path a `join`/`resolve` call builds from its leading arguments, up to the first one that
   * is not static: if that much already climbs out of the repository, so does the whole.
   */
  longestKnownPrefix(file: string, call: ts.CallExpression, name: string): Known | undefined {
    let known: Known | undefined;
    for (const argument of call.arguments) {
      const value = this.evaluate(file, argument);
      if (value === undefined) break;
      known = this.combine(name, known, value);
    }
    if (known !== undefined && name === 'resolve' && !isAbsolute(known.path)) {
      // resolve() starts from the working directory: the repository's root.
      return { path: resolve(this.root, known.path), anchored: true };
    }
    return known;
  }

  evaluate(file: string, node: ts.Expression, depth = 0): Known | undefined {
    if (depth > 20) return undefined;
    const next = (expression: ts.Expression) => this.evaluate(file, expression, depth + 1);
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) return next(node.expression);
    if (ts.isNonNullExpression(node)) return next(node.expression);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      return { path: node.text, anchored: false };
    }
    if (ts.isTemplateExpression(node)) {
      let path = node.head.text;
      let anchored = false;
      for (const span of node.templateSpans) {
        const value = next(span.expression);
        if (value === undefined) return undefined;
        path += value.path + span.literal.text;
        anchored ||= value.anchored;
      }
      return { path, anchored };
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const left = next(node.left);
      const right = next(node.right);
      if (left === undefined || right === undefined) return undefined;
      return { path: left.path + right.path, anchored: left.anchored || right.anchored };
    }
    if (ts.isIdentifier(node)) {
      if (node.text === '__dirname') return { path: dirname(file), anchored: true };
      if (node.text === '__filename') return { path: file, anchored: true };
      return this.constant(file, node.text, depth + 1);
    }
    if (ts.isCallExpression(node)) {
      const name = calleeName(node.expression);
      if (name === 'cwd' && node.arguments.length === 0) return { path: this.root, anchored: true };
      if (name === 'dirname' && node.arguments.length === 1) {
        const value = next(node.arguments[0]);
        return value && { path: dirname(value.path), anchored: value.anchored };
      }
      if (name !== undefined && PATH_BUILDERS.has(name)) {
        let known: Known | undefined;
        for (const argument of node.arguments) {
          const value = next(argument);
          if (value === undefined) return undefined;
          known = this.combine(name, known, value);
        }
        return known;
      }
    }
    return undefined;
  }

  private combine(name: string, known: Known | undefined, value: Known): Known {
    if (known === undefined) return value;
    const path =
      name === 'resolve' ? resolve(known.path, value.path) : join(known.path, value.path);
    // resolve() restarts at an absolute argument: what came before no longer anchors it.
    const restarts = name === 'resolve' && isAbsolute(value.path);
    return { path, anchored: restarts ? value.anchored : known.anchored || value.anchored };
  }

  /** A top-level `const` of `file` (or one it imports by name from a relative module). */
  private constant(file: string, name: string, depth: number): Known | undefined {
    const source = this.source(file);
    if (source === undefined) return undefined;
    for (const statement of source.statements) {
      if (ts.isVariableStatement(statement)) {
        const isConst = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
        for (const declaration of statement.declarationList.declarations) {
          if (
            isConst &&
            ts.isIdentifier(declaration.name) &&
            declaration.name.text === name &&
            declaration.initializer !== undefined
          ) {
            return this.evaluate(file, declaration.initializer, depth);
          }
        }
      }
      if (
        ts.isImportDeclaration(statement) &&
        ts.isStringLiteral(statement.moduleSpecifier) &&
        statement.moduleSpecifier.text.startsWith('.') &&
        statement.importClause?.namedBindings !== undefined &&
        ts.isNamedImports(statement.importClause.namedBindings)
      ) {
        for (const element of statement.importClause.namedBindings.elements) {
          if (element.name.text !== name) continue;
          const from = resolveModule(file, statement.moduleSpecifier.text, this.read);
          const exported = (element.propertyName ?? element.name).text;
          return from === undefined ? undefined : this.constant(from, exported, depth + 1);
        }
      }
    }
    return undefined;
  }

  private source(file: string): ts.SourceFile | undefined {
    if (!this.sources.has(file)) {
      const text = this.read(file);
      this.sources.set(
        file,
        text === undefined
          ? undefined
          : ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true),
      );
    }
    return this.sources.get(file);
  }
}

/** Test code git tracks (plus new files not yet added): test/**, and the unit specs in src/. */
function testFiles(): string[] {
  return trackedFiles(['test/*.ts', 'test/*.js', 'test/*.mjs', 'test/*.cjs', 'src/*.spec.ts']).map(
    (file) => join(ROOT, file),
  );
}

const readFromDisk: ReadSource = (file) =>
  statSync(file, { throwIfNoEntry: false })?.isFile() ? readFileSync(file, 'utf8') : undefined;

describe('the test suite stands alone in a clone', () => {
  it('finds the test files it checks', () => {
    const files = testFiles().map((file) => relative(ROOT, file));
    expect(files).toContain('test/support/siwe-vectors.ts');
    expect(files).toContain('src/wallet/siwe/siwe-verifier.spec.ts');
    expect(files.length).toBeGreaterThan(100);
  });

  it('no test or test-support file reads a path outside the repository', () => {
    expect(testFiles().flatMap((file) => outsideReads(ROOT, file, readFromDisk))).toEqual([]);
  });

  it('keeps the SIWE vectors in the repository, with their upstream commit and licence', () => {
    const readme = readFileSync(join(ROOT, 'test/vectors/siwe/README.md'), 'utf8');
    expect(readme).toMatch(/signinwithethereum\/siwe.*\n?.*commit `[0-9a-f]{40}`/);
    expect(readme).toMatch(/MIT/);
    expect(readme).toMatch(/Apache/);
    expect(existsSync(join(ROOT, 'test/vectors/siwe/parsing_positive.json'))).toBe(true);
  });

  it('keeps the upstream vectors byte for byte as published (test/vectors/SHA256SUMS)', () => {
    // A formatter run over test/ once rewrote every JSON vector file; .prettierignore keeps it
    // off them, and this keeps each file what its README's upstream commit published.
    const vectors = join(ROOT, 'test/vectors');
    const listed = readFileSync(join(vectors, 'SHA256SUMS'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+\*?/) as [string, string]);
    const digests = Object.fromEntries(listed.map(([digest, path]) => [path, digest]));
    const data = readdirSync(vectors, { recursive: true, encoding: 'utf8' })
      .filter((path) => /\.(json|csv)$/.test(path))
      .sort();
    expect(Object.keys(digests).sort()).toEqual(data);
    const actual = Object.fromEntries(
      data.map((path) => [
        path,
        createHash('sha256')
          .update(readFileSync(join(vectors, path)))
          .digest('hex'),
      ]),
    );
    expect(actual).toEqual(digests);
  });

  it('no doc asks for anything beside the repository to run the tests', () => {
    const docs = trackedMarkdown();
    const offending = docs.flatMap((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      return FORBIDDEN_TEXT.filter((pattern) => pattern.test(text)).map(
        (pattern) => `${file} matches ${pattern}`,
      );
    });
    expect(offending).toEqual([]);
  });
});

describe('the check itself', () => {
  // Fixture sources in a virtual tree under /repo; "shar" + "ed" keeps this file's own text clean.
  const repo = '/repo';
  const beside = ['shar', 'ed'].join('');
  const check = (files: Record<string, string>, file: string) =>
    outsideReads(repo, join(repo, file), (path) => files[relative(repo, path)]);

  it('flags the old lookup of the vectors beside the checkout', () => {
    const old = [
      "import * as path from 'node:path';",
      "const REPO_ROOT = path.resolve(__dirname, '../..');",
      `const RELATIVE = path.join('${beside}', 'vectors', 'siwe');`,
      'export function locate() {',
      "  return [path.resolve(REPO_ROOT, '..', RELATIVE)];",
      '}',
    ].join('\n');
    expect(check({ 'test/support/v.ts': old }, 'test/support/v.ts')).toEqual([
      `test/support/v.ts:3 names "'${beside}', 'vectors'"`,
      `test/support/v.ts:5 builds ../${beside}/vectors/siwe (outside the repository)`,
    ]);
  });

  it('flags a climb from __dirname, through a template, an imported root and a relative read', () => {
    const files = {
      'test/support/readme.ts': "export const ROOT = join(__dirname, '..', '..');",
      'test/e2e/a.e2e-spec.ts': [
        "import { ROOT } from '../support/readme';",
        "const UP = join(__dirname, '..', '..', '..', 'elsewhere');",
        "readFileSync(join(ROOT, '..', 'x.json'));",
        'readFileSync(`${__dirname}/../../../x.json`);',
        "readFileSync('../x.json');",
        "import '../../../outside';",
        "existsSync(resolve(ROOT, '..', pick()));",
      ].join('\n'),
    };
    expect(check(files, 'test/e2e/a.e2e-spec.ts')).toEqual([
      'test/e2e/a.e2e-spec.ts:2 builds ../elsewhere (outside the repository)',
      'test/e2e/a.e2e-spec.ts:3 readFileSync ../x.json (outside the repository)',
      'test/e2e/a.e2e-spec.ts:3 builds ../x.json (outside the repository)',
      'test/e2e/a.e2e-spec.ts:4 readFileSync ../x.json (outside the repository)',
      'test/e2e/a.e2e-spec.ts:5 readFileSync ../x.json (outside the repository)',
      'test/e2e/a.e2e-spec.ts:6 imports ../../../outside (outside the repository)',
      'test/e2e/a.e2e-spec.ts:7 builds .. (outside the repository)',
    ]);
  });

  it('accepts paths inside the repository, and scratch paths not built from it', () => {
    const files = {
      'test/support/s.ts': [
        "const ROOT = join(__dirname, '..', '..');",
        "readFileSync(join(ROOT, 'package.json'));",
        "readFileSync(join(__dirname, '..', 'vectors', 'siwe', 'a.json'));",
        "mkdtempSync(join(tmpdir(), 'proofgate-'));",
        "readFileSync(join('/tmp', 'x'));",
        "import { a } from '../../src/a';",
      ].join('\n'),
    };
    expect(check(files, 'test/support/s.ts')).toEqual([]);
  });
});
