import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { AUTH_METHODS } from '../../src/proofs/proof-vocabulary';

/**
 * The layout's dependency rules, read from the code's own imports: a rule broken here fails CI,
 * so the shape cannot drift back one import at a time.
 */
const SRC = resolve(__dirname, '..', '..', 'src');
/** The resource-server package's modules protocol-rules/ shares (Node's built-ins only). */
const SHARED_RULES = [
  '@proofgate/resource-server/acr',
  '@proofgate/resource-server/public-key-rules',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'public' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Top-level folder under src/ of each relative import of `file` (e.g. `oauth`, `platform`). */
function importedAreas(file: string): { area: string; specifier: string }[] {
  const text = readFileSync(file, 'utf8');
  const found: { area: string; specifier: string }[] = [];
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const target = relative(SRC, resolve(dirname(file), match[1]));
    if (target.startsWith('..')) continue;
    found.push({ area: target.split('/')[0], specifier: match[1] });
  }
  return found;
}

const files = sourceFiles(SRC).map((file) => ({
  path: relative(SRC, file),
  area: relative(SRC, file).split('/')[0],
  imports: importedAreas(file),
}));

function violations(from: string[], forbidden: (area: string) => boolean): string[] {
  return files
    .filter((file) => from.includes(file.area))
    .flatMap((file) =>
      file.imports
        .filter((imported) => imported.area !== file.area && forbidden(imported.area))
        .map((imported) => `${file.path} imports ${imported.specifier}`),
    );
}

/** Each source file's relative imports, resolved to files (type-only imports count too). */
const importGraph = new Map(
  sourceFiles(SRC).map((file) => {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)]
      .map((match) => resolve(dirname(file), match[1]))
      .map((target) => [`${target}.ts`, join(target, 'index.ts')].find((f) => existsSync(f)))
      .filter((target): target is string => target !== undefined)
      .map((target) => relative(SRC, target));
    return [relative(SRC, file), targets] as const;
  }),
);

/** The strongly connected groups of more than one member (Tarjan): each is an import cycle. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        group.push(member);
      } while (member !== node);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/**
 * Folders under src/ as one node each; platform/ and config/ are one layer (they share types), and
 * protocol-rules/ stands on it: config/ checks the environment with those rules.
 */
function areaGraph(): Map<string, string[]> {
  const layer = (path: string) => {
    const area = path.split('/')[0];
    return area === 'config' || area === 'protocol-rules' ? 'platform' : area;
  };
  const graph = new Map<string, Set<string>>();
  for (const [file, targets] of importGraph) {
    const from = layer(file);
    const edges = graph.get(from) ?? new Set<string>();
    for (const target of targets) if (layer(target) !== from) edges.add(layer(target));
    graph.set(from, edges);
  }
  return new Map([...graph].map(([area, edges]) => [area, [...edges]]));
}

/**
 * The folders of the sign-in proofs (the `auth_method`s: password, the wallet chains, passkeys),
 * read from their descriptors' ids: a login session stands below all of them.
 */
const signInProofFolders = new Set(
  files
    .filter((file) => file.path.endsWith('.proof.ts'))
    .filter((file) => {
      // `id: 'passkey'`, or a wallet chain's `...walletSignIn('siwe', ...)`.
      const text = readFileSync(join(SRC, file.path), 'utf8');
      const id = /\b(?:id: |walletSignIn\()'([a-z_]+)'/.exec(text)?.[1];
      return (AUTH_METHODS as readonly string[]).includes(id ?? '');
    })
    .map((file) => file.area),
);

/**
 * How a file takes the whole AppConfig from Nest: a constructor parameter, a factory's `inject`,
 * `app.get(AppConfig)` or `@Inject(AppConfig)`. A service injects the sections it reads instead
 * (`private readonly tokens: TokenConfig`, see src/config/config.module.ts).
 */
function wholeConfigInjections(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\bconstructor\s*\(/g)) {
    const start = match.index + match[0].length;
    let end = start;
    for (let depth = 1; end < text.length && depth > 0; end++) {
      if (text[end] === '(') depth++;
      else if (text[end] === ')') depth--;
    }
    if (/:\s*AppConfig\b/.test(text.slice(start, end))) found.push('a constructor parameter');
  }
  if (/\binject\s*:\s*\[[^\]]*\bAppConfig\b/.test(text)) found.push("a factory's inject");
  if (/\.get\(\s*AppConfig\b/.test(text)) found.push('get(AppConfig)');
  if (/@Inject\(\s*AppConfig\b/.test(text)) found.push('@Inject(AppConfig)');
  return found;
}

/**
 * Where the whole configuration may be injected: the module that provides it and derives each
 * section from it (the admin CLI provides the configuration it validated through the same
 * `configProviders`). What truly needs everything is handed it outside Nest: the start checks
 * (main.ts, platform/startup/) by loadConfigOrExit, the admin CLI by loadAdminConfig, tests by
 * AppConfig.fromEnv.
 */
const WHOLE_CONFIG_INJECTED_IN = ['config/config.module.ts'];

/** The folder inside src/wallet/ a wallet file sits in (`siwe`, `core`, ...), '' for its top level. */
function walletFolder(path: string): string | undefined {
  const parts = path.split('/');
  if (parts[0] !== 'wallet') return undefined;
  return parts.length > 2 ? parts[1] : '';
}

/** The one file of wallet/'s core that names the chains: the chain list. */
const CHAIN_LIST = 'wallet/wallet-chains.ts';

/** The chain folders: those that declare a chain for the list (`export const SIWE: WalletChainEntry`). */
const chainFolders = new Set(
  [...importGraph.keys()]
    .filter((file) => walletFolder(file))
    .filter((file) =>
      /\bexport const \w+: WalletChainEntry\b/.test(readFileSync(join(SRC, file), 'utf8')),
    )
    .map((file) => walletFolder(file)!),
);

/** Wallet files' imports of other wallet folders: `from` and `to` are folders ('' is the top). */
const walletImports = [...importGraph].flatMap(([file, targets]) => {
  const from = walletFolder(file);
  if (from === undefined) return [];
  return targets
    .map((target) => ({ file, target, from, to: walletFolder(target) }))
    .filter((edge): edge is typeof edge & { to: string } => edge.to !== undefined)
    .filter((edge) => edge.to !== edge.from);
});

/** wallet/'s folders as one node each, its top-level files as one more (`wallet/`). */
function walletFolderGraph(): Map<string, string[]> {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of walletImports) {
    graph.set(`wallet/${from}`, (graph.get(`wallet/${from}`) ?? new Set()).add(`wallet/${to}`));
  }
  return new Map([...graph].map(([folder, edges]) => [folder, [...edges]]));
}

/**
 * Each wallet chain by the words that name it: its folder (`siwb`, also its `auth_method`), its
 * name in the API texts (`Bitcoin`) and its CAIP-2 namespace (`bip122`), read from the chain's own
 * `*-chain.ts`.
 */
function chainWords(): Map<string, RegExp> {
  const words = new Map<string, RegExp>();
  for (const folder of chainFolders) {
    const dir = join(SRC, 'wallet', folder);
    const text = readdirSync(dir)
      .filter((name) => name.endsWith('-chain.ts'))
      .map((name) => readFileSync(join(dir, name), 'utf8'))
      .join('\n');
    const name = /\btexts: \{\s*name: '([^']+)'/.exec(text)?.[1];
    const namespace = /\baccountIdForm: '([-a-z0-9]{3,8}):/.exec(text)?.[1];
    const names = [folder, name, namespace].filter((word): word is string => word !== undefined);
    words.set(folder, new RegExp(`\\b(${names.join('|')})\\b`, 'i'));
  }
  return words;
}

/** The chains a source text names, its comments aside (a comment's example names no list). */
function chainsNamedIn(text: string, words: ReadonlyMap<string, RegExp>): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...words].filter(([, word]) => word.test(code)).map(([chain]) => chain);
}

/**
 * Where every chain may be named: the chain list, the proofs' vocabulary and registry, and these,
 * each for its reason. Anywhere else a text naming two chains is a hand-written list of them that a
 * new chain would have to find: ask the chain list (its `texts`, `readAccountId`, ...) or the
 * proof registry instead.
 */
const NAMES_EVERY_CHAIN = new Map([
  ['wallet/wallet-chains.ts', 'the chain list'],
  ['proofs/proof-vocabulary.ts', 'the words every proof is named by'],
  ['proof-registry.ts', 'the list of the proofs'],
  [
    'config/sections/wallet.config.ts',
    "a chain's settings are fields of the wallet section, read and checked at start",
  ],
  [
    'lab-client/scenarios.ts',
    'the lab is an HTTP client that imports no service code: its chains are its own labs',
  ],
  [
    'wallet/nonce-request.dto.ts',
    'an error text clients may match ("eip155:1", "solana:mainnet"), kept as it was',
  ],
]);

describe('layout: dependencies point one way', () => {
  it('reads the source tree', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((file) => file.area === 'oauth')).toBe(true);
    expect(files.some((file) => file.area === 'wallet')).toBe(true);
  });

  it('oauth/ never imports wallet/, and wallet/ never imports oauth/', () => {
    expect(violations(['oauth'], (area) => area === 'wallet')).toEqual([]);
    expect(violations(['wallet'], (area) => area === 'oauth')).toEqual([]);
  });

  it('passkeys/ is a proof of its own: it imports no other proof, oauth/ or login/, and none of them imports it but login/', () => {
    expect(files.some((file) => file.area === 'passkeys')).toBe(true);
    const others = new Set(['wallet', 'oauth', 'login', 'resource-server']);
    expect(violations(['passkeys'], (area) => others.has(area))).toEqual([]);
    expect(
      violations(['wallet', 'oauth', 'resource-server'], (area) => area === 'passkeys'),
    ).toEqual([]);
  });

  it("approval-proofs/ joins oauth/'s CIBA approvals to the passkey and wallet proofs: oauth/ names only its port, and nothing but the app module imports approval-proofs/", () => {
    expect(files.some((file) => file.area === 'approval-proofs')).toBe(true);
    // oauth/ declares ApprovalProofs; the proofs' folders stay out of it.
    expect(violations(['oauth'], (area) => area === 'passkeys' || area === 'wallet')).toEqual([]);
    const importers = files
      .filter((file) => file.imports.some((imported) => imported.area === 'approval-proofs'))
      .map((file) => file.path)
      .filter((path) => !path.startsWith('approval-proofs/'));
    expect(importers).toEqual(['app.module.ts']);
    // It stands on the proofs, never on a page: no login/ and no sessions/ of its own.
    expect(violations(['approval-proofs'], (area) => area === 'login')).toEqual([]);
  });

  it("upstream/ is a proof of its own: it imports no other proof's folder, oauth/, login/, accounts/ or sessions/, and only login/ (and the registry, its descriptor) imports it", () => {
    expect(files.some((file) => file.area === 'upstream')).toBe(true);
    const proofFolders = new Set(
      files.filter((file) => file.path.endsWith('.proof.ts')).map((file) => file.area),
    );
    expect([...proofFolders]).toEqual(
      expect.arrayContaining(['upstream', 'passkeys', 'wallet', 'clients', 'oauth']),
    );
    const forbidden = new Set([...proofFolders, 'oauth', 'login', 'accounts', 'sessions']);
    expect(violations(['upstream'], (area) => forbidden.has(area))).toEqual([]);
    const importers = files
      .filter((file) => file.area !== 'upstream')
      .filter((file) => file.imports.some((imported) => imported.area === 'upstream'))
      .map((file) => file.path)
      .filter((path) => !path.startsWith('login/') && path !== 'proof-registry.ts');
    expect(importers).toEqual([]);
  });

  it('oid4vp/ is a proof of its own: it imports no other proof, oauth/, login/ or tokens/, and only login/ imports it', () => {
    expect(files.some((file) => file.area === 'oid4vp')).toBe(true);
    const others = new Set(['wallet', 'passkeys', 'email', 'upstream', 'oauth', 'login', 'tokens']);
    expect(violations(['oid4vp'], (area) => others.has(area))).toEqual([]);
    const users = new Set(['oid4vp', 'login']);
    expect(
      violations(
        [...new Set(files.map((file) => file.area))].filter((area) => !users.has(area)),
        (area) => area === 'oid4vp',
      ).filter((line) => !line.startsWith('proof-registry.ts')),
    ).toEqual([]);
  });

  it('email/ is a proof of its own: it imports no other proof, oauth/ or login/, and only login/ and admin/ import it (and migrations/, its address rule)', () => {
    expect(files.some((file) => file.area === 'email')).toBe(true);
    const others = new Set(['wallet', 'passkeys', 'oauth', 'login', 'resource-server']);
    expect(violations(['email'], (area) => others.has(area))).toEqual([]);
    const users = new Set(['email', 'login', 'admin', 'migrations']);
    expect(
      violations(
        [...new Set(files.map((file) => file.area))].filter((area) => !users.has(area)),
        (area) => area === 'email',
      ).filter((line) => !line.startsWith('proof-registry.ts')),
    ).toEqual([]);
  });

  it('wallet/ never imports login/ (login/ uses wallet/ for SIWE, not the reverse)', () => {
    expect(violations(['wallet'], (area) => area === 'login')).toEqual([]);
  });

  it('sessions/ (login sessions, logout and its outbox) imports no sign-in proof, login/ or oauth/: every one of them uses it', () => {
    expect(files.some((file) => file.area === 'sessions')).toBe(true);
    expect([...signInProofFolders]).toEqual(
      expect.arrayContaining(['login', 'passkeys', 'wallet']),
    );
    const above = new Set([...signInProofFolders, 'login', 'oauth']);
    expect(violations(['sessions'], (area) => above.has(area))).toEqual([]);
  });

  it('mail/ (the outbox, its SMTP transport and the development catcher) knows no protocol: it imports platform/ and config/ only', () => {
    expect(files.some((file) => file.area === 'mail')).toBe(true);
    const allowed = new Set(['platform', 'config']);
    expect(violations(['mail'], (area) => !allowed.has(area))).toEqual([]);
  });

  it('oauth/, admin/ and telemetry/ import nothing from login/, the login page (sessions are in sessions/, password users in accounts/)', () => {
    expect(violations(['oauth', 'admin', 'telemetry'], (area) => area === 'login')).toEqual([]);
  });

  it('login/ (the pages a person signs in on) imports nothing from oauth/: what both show, as the CIBA answers an account gave, is kept below them (accounts/approval-audit/)', () => {
    expect(violations(['login'], (area) => area === 'oauth')).toEqual([]);
  });

  it('platform/ and config/ know no protocol: they import only each other, and config/ the pure RFC checks of protocol-rules/', () => {
    const allowed = new Set(['platform', 'config']);
    expect(violations(['platform'], (area) => !allowed.has(area))).toEqual([]);
    expect(
      violations(['config'], (area) => !allowed.has(area) && area !== 'protocol-rules'),
    ).toEqual([]);
  });

  it('protocol-rules/ is pure RFC checks on the ground floor: it imports platform/ at most, and no framework', () => {
    const rules = files.filter((file) => file.area === 'protocol-rules');
    expect(rules.map((file) => file.path).sort()).toEqual(
      expect.arrayContaining(['protocol-rules/redirect-uri.ts', 'protocol-rules/uri-syntax.ts']),
    );
    expect(violations(['protocol-rules'], (area) => area !== 'platform')).toEqual([]);
    // Node's built-ins only: no Nest, no validation or HTTP library; a rule is a function of its input.
    // And the resource-server package's acr table and public-key rules, modules of Node's built-ins
    // only: the service and the APIs the package guards order `acr` values and refuse keys by one
    // rule.
    const packages = rules.flatMap((file) =>
      [...readFileSync(join(SRC, file.path), 'utf8').matchAll(/from '([^.'][^']*)'/g)]
        .map((match) => match[1])
        .filter((name) => !name.startsWith('node:') && !SHARED_RULES.includes(name))
        .map((name) => `${file.path} imports ${name}`),
    );
    expect(packages).toEqual([]);
  });

  it('protocol code knows nothing of metrics or figures: it emits events, telemetry/ listens', () => {
    const protocol = [
      'challenges',
      'clients',
      'tokens',
      'oauth',
      'wallet',
      'passkeys',
      'accounts',
      'sessions',
      'login',
      'resource-server',
      'mail',
      'email',
      'oid4vp',
    ];
    expect(violations(protocol, (area) => area === 'telemetry' || area === 'compare')).toEqual([]);
  });

  it("migrations/ changes stored data by the collections' names, not through the features: it imports platform/, config/ and email/'s address rule, and only the start (app.start.ts) and admin/ import it", () => {
    expect(files.some((file) => file.area === 'migrations')).toBe(true);
    const allowed = new Set(['migrations', 'platform', 'config']);
    expect(
      violations(['migrations'], (area) => !allowed.has(area)).filter(
        (line) => !line.endsWith(' imports ../email/email-address'),
      ),
    ).toEqual([]);
    const users = new Set(['migrations', 'admin', 'app.start.ts']);
    expect(
      violations(
        [...new Set(files.map((file) => file.area))].filter((area) => !users.has(area)),
        (area) => area === 'migrations',
      ),
    ).toEqual([]);
  });

  it("admin/ (the operators' CLI and admin API) sits on top of the features: nothing imports it but the app module, its API's", () => {
    const others = [...new Set(files.map((file) => file.area))].filter((area) => area !== 'admin');
    expect(files.some((file) => file.area === 'admin')).toBe(true);
    expect(violations(others, (area) => area === 'admin')).toEqual([
      'app.module.ts imports ./admin/api/admin-api.module',
    ]);
  });

  it('admin/: one service layer under both faces (issue #77): the CLI commands and the admin API controllers call the administration services, never a repository or a feature service behind them', () => {
    // The console's page (admin/console/) is no face of the services: it serves a page whose
    // script calls the admin API from the operator's browser, as any admin client does. Nor is
    // the API's RFC 9728 metadata, a document of the API's audience and scopes read from config.
    const faces = files.filter(
      (file) =>
        file.area === 'admin' &&
        !file.path.startsWith('admin/console/') &&
        file.path !== 'admin/api/admin-resource-metadata.controller.ts' &&
        (file.path.endsWith('.command.ts') || file.path.endsWith('.controller.ts')),
    );
    expect(faces.filter((file) => file.path.endsWith('.controller.ts')).length).toBeGreaterThan(5);
    // What each face takes from the service's modules: the CLI's `app.get(X)`, a controller's
    // constructor parameters. Only administration services (and the trail they write).
    const reachingPast = faces.flatMap((file) => {
      const text = readFileSync(join(SRC, file.path), 'utf8');
      const taken = [
        ...[...text.matchAll(/app\.get\((\w+)/g)].map((match) => match[1]),
        ...[...text.matchAll(/private readonly \w+: (\w+)/g)].map((match) => match[1]),
      ];
      return taken
        .filter((name) => !/Administration$|^AdminAuditTrail$/.test(name))
        .map((name) => `${file.path} takes ${name}`);
    });
    expect(reachingPast).toEqual([]);
    // Each resource the API serves, the CLI has on the same service: the controller and the
    // command of a folder import the same administration service.
    for (const controller of faces.filter((file) => file.path.endsWith('.controller.ts'))) {
      const folder = dirname(controller.path);
      const services = (file: (typeof faces)[number]) =>
        file.imports
          .map((imported) => imported.specifier)
          .filter((specifier) => /-administration\.service$|admin-audit\.service$/.test(specifier));
      const command = faces.find(
        (file) => dirname(file.path) === folder && file.path.endsWith('.command.ts'),
      );
      if (folder === 'admin/audit') continue; // The trail has no command: the CLI writes to it.
      expect({ controller: controller.path, services: services(controller) }).toEqual({
        controller: controller.path,
        services: command ? expect.arrayContaining(services(command)) : expect.any(Array),
      });
      expect(command).toBeDefined();
    }
  });

  it('platform/rate-limit is the mechanism only: the features declare and prove the keys', () => {
    const rateLimit = files.filter((file) => file.path.startsWith('platform/rate-limit/'));
    expect(rateLimit.length).toBeGreaterThan(3);
    const identities = new Set(['clients', 'oauth', 'wallet', 'login']);
    expect(violations(['platform'], (area) => identities.has(area))).toEqual([]);
    // Client credentials are read by the feature that authenticates them, never by the limiter.
    const credentials = rateLimit.flatMap((file) =>
      file.imports
        .filter((imported) => /http\/basic-credentials$/.test(imported.specifier))
        .map((imported) => `${file.path} imports ${imported.specifier}`),
    );
    expect(credentials).toEqual([]);
    for (const file of rateLimit) {
      const text = readFileSync(join(SRC, file.path), 'utf8');
      expect({
        file: file.path,
        siwe: /siwe|client_id|headers\.authorization/i.test(text),
      }).toEqual({
        file: file.path,
        siwe: false,
      });
    }
  });

  it('has no import cycle between files, type-only imports included', () => {
    expect(cycles(importGraph)).toEqual([]);
  });

  it('has no import cycle between folders (platform/, config/ and protocol-rules/ counted as one)', () => {
    expect(cycles(areaGraph())).toEqual([]);
  });

  it('finds a cycle where there is one (the check itself works)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
  });

  it('accounts/ (its password users too) knows no protocol: platform/, config/, the pure RFC checks of protocol-rules/ and the proofs vocabulary only, and every proof may use it', () => {
    const allowed = new Set(['platform', 'config', 'protocol-rules', 'proofs']);
    expect(files.some((file) => file.area === 'accounts')).toBe(true);
    expect(violations(['accounts'], (area) => !allowed.has(area))).toEqual([]);
  });

  it('lab-client/ (the attack lab) is a client of the service: it imports none of its code (the proofs vocabulary as types only), and the service loads it only to run the lab', () => {
    expect(files.some((file) => file.area === 'lab-client')).toBe(true);
    expect(violations(['lab-client'], (area) => area !== 'proofs')).toEqual([]);
    // Its rows' models are the vocabulary's words, as types: erased, so the lab runs no service code.
    const valueImportsOfProofs = files
      .filter((file) => file.area === 'lab-client')
      .flatMap((file) =>
        [
          ...readFileSync(join(SRC, file.path), 'utf8').matchAll(
            /^import\s+(?!type\b)[^;]*?from\s+'([^']*\/proofs\/[^']*)'/gm,
          ),
        ].map((match) => `${file.path} imports ${match[1]}`),
      );
    expect(valueImportsOfProofs).toEqual([]);
    const users = files.filter(
      (file) => file.area !== 'lab-client' && file.imports.some((i) => i.area === 'lab-client'),
    );
    expect(users.map((file) => file.path).sort()).toEqual([
      'pages/lab/lab-run.service.ts',
      'pages/lab/lab.controller.ts',
    ]);
    // Types are erased; the one value import is the dynamic one in the run, so a service whose lab
    // is off never loads the attack client's code.
    for (const file of users) {
      const text = readFileSync(join(SRC, file.path), 'utf8');
      const valueImports = [
        ...text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']*lab-client[^']*)'/gm),
      ];
      expect({ file: file.path, valueImports: valueImports.map((m) => m[1]) }).toEqual({
        file: file.path,
        valueImports: [],
      });
    }
  });

  it('services inject the config sections they read, never the whole AppConfig', () => {
    const injecting = sourceFiles(SRC)
      .map((file) => ({
        file: relative(SRC, file),
        how: wholeConfigInjections(readFileSync(file, 'utf8')),
      }))
      .filter(({ how }) => how.length > 0);
    expect(injecting.filter(({ file }) => !WHOLE_CONFIG_INJECTED_IN.includes(file))).toEqual([]);
    expect(injecting.map(({ file }) => file).sort()).toEqual(WHOLE_CONFIG_INJECTED_IN);
  });

  it('finds an injection of the whole AppConfig where there is one (the check itself works)', () => {
    const service = `@Injectable()
      export class S {
        constructor(
          @InjectConnection() private readonly connection: Connection,
          private readonly config: AppConfig,
        ) {}
      }`;
    expect(wholeConfigInjections(service)).toEqual(['a constructor parameter']);
    expect(
      wholeConfigInjections(`{ provide: X, inject: [Clock, AppConfig], useFactory: make }`),
    ).toEqual(["a factory's inject"]);
    expect(wholeConfigInjections('const { issuer } = app.get(AppConfig);')).toEqual([
      'get(AppConfig)',
    ]);
    expect(wholeConfigInjections('constructor(private readonly tokens: TokenConfig) {}')).toEqual(
      [],
    );
  });

  it('the challenge store stands on platform/, config/ and the proofs vocabulary only', () => {
    const allowed = new Set(['platform', 'config', 'proofs']);
    expect(violations(['challenges'], (area) => !allowed.has(area))).toEqual([]);
  });

  it('wallet/: the chain list registers the chain folders, siwe/ and siws/ among them', () => {
    expect([...chainFolders].sort()).toEqual(expect.arrayContaining(['siwe', 'siws']));
    const registered = new Set((importGraph.get(CHAIN_LIST) ?? []).map(walletFolder));
    expect([...chainFolders].filter((folder) => !registered.has(folder))).toEqual([]);
  });

  it('wallet/: no chain folder imports another chain folder', () => {
    const found = walletImports
      .filter(({ from, to }) => chainFolders.has(from) && chainFolders.has(to))
      .map(({ file, target }) => `${file} imports ${target}`);
    expect(found).toEqual([]);
  });

  it('wallet/: the chain-neutral core imports no chain folder, except in the chain list', () => {
    const found = walletImports
      .filter(({ from, to }) => !chainFolders.has(from) && chainFolders.has(to))
      .filter(({ file }) => file !== CHAIN_LIST)
      .map(({ file, target }) => `${file} imports ${target}`);
    expect(found).toEqual([]);
    // And the chains stand on the core's folders, never on its top level (module, controller,
    // the chain list and what looks chains up in it): that would be an import back up.
    const up = walletImports
      .filter(({ from, to }) => chainFolders.has(from) && to === '')
      .map(({ file, target }) => `${file} imports ${target}`);
    expect(up).toEqual([]);
  });

  it('wallet/: no import cycle between its folders (its top-level files counted as one)', () => {
    expect(walletFolderGraph().size).toBeGreaterThan(3);
    expect(cycles(walletFolderGraph())).toEqual([]);
  });

  it('proofs/ (the vocabulary every proof is named by) is the ground floor: it imports no feature, platform/, config/ and the pure RFC checks of protocol-rules/ (the acr values a proof achieves) at most', () => {
    const allowed = new Set(['platform', 'config', 'protocol-rules']);
    expect(files.some((file) => file.area === 'proofs')).toBe(true);
    expect(violations(['proofs'], (area) => !allowed.has(area))).toEqual([]);
  });

  it("a proof's descriptor (*.proof.ts) is data: it imports the proofs vocabulary, or parts several descriptors share that import it alone, so the registry pulls in no proof's code", () => {
    const byPath = new Map(files.map((file) => [file.path, file]));
    const descriptors = files.filter((file) => file.path.endsWith('.proof.ts'));
    expect(descriptors.length).toBeGreaterThanOrEqual(7);
    const isData = (path: string) =>
      byPath.get(path)?.imports.every((imported) => imported.area === 'proofs') === true;
    const outside = descriptors.flatMap((file) =>
      file.imports
        .filter(
          (imported) =>
            imported.area !== 'proofs' &&
            !isData(join(dirname(file.path), `${imported.specifier}.ts`)),
        )
        .map((imported) => `${file.path} imports ${imported.specifier}`),
    );
    expect(outside).toEqual([]);
  });

  it('names every wallet chain in one place: outside the chain folders and the lists, no file names two chains', () => {
    const words = chainWords();
    expect([...words.keys()].sort()).toEqual(expect.arrayContaining(['siwb', 'siwe', 'siws']));
    const lists = files
      .filter((file) => !chainFolders.has(walletFolder(file.path) ?? ''))
      .filter((file) => !NAMES_EVERY_CHAIN.has(file.path))
      .map((file) => ({
        file: file.path,
        chains: chainsNamedIn(readFileSync(join(SRC, file.path), 'utf8'), words),
      }))
      .filter(({ chains }) => chains.length > 1);
    expect(lists).toEqual([]);
    // An allowance that names no file is stale.
    const paths = new Set(files.map((file) => file.path));
    expect([...NAMES_EVERY_CHAIN.keys()].filter((path) => !paths.has(path))).toEqual([]);
  });

  it("the pages' scripts name a chain only in the chain's own script (public/<chain>-*.js): the pages iterate the registered chains", () => {
    const words = chainWords();
    const scripts = readdirSync(join(SRC, 'public')).filter((name) => name.endsWith('.js'));
    expect(scripts).toEqual(expect.arrayContaining(['siwe-wallet.js', 'wallet-demo.js']));
    const named = scripts
      .map((name) => ({
        file: `public/${name}`,
        // POST /login/siwe serves every chain: a public route keeps the name it was published under.
        chains: chainsNamedIn(
          readFileSync(join(SRC, 'public', name), 'utf8').replaceAll('/login/siwe', '/login/…'),
          words,
        ).filter((chain) => !name.startsWith(`${chain}-`)),
      }))
      .filter(({ chains }) => chains.length > 0);
    expect(named).toEqual([]);
  });

  it('finds a hand-written list of chains where there is one (the check itself works)', () => {
    const words = chainWords();
    expect(
      chainsNamedIn("// and Bitcoin\ndescription: 'Ethereum: 0x… Solana: base58',", words).sort(),
    ).toEqual(['siwe', 'siws']);
    expect(chainsNamedIn("const methods = ['siwe', 'siwb'];", words).sort()).toEqual([
      'siwb',
      'siwe',
    ]);
    expect(chainsNamedIn('/** e.g. eip155:1 or bip122:… */\nconst x = 1;', words)).toEqual([]);
  });

  it('the proof registry lists every descriptor, and imports nothing but descriptors and the vocabulary', () => {
    const registry = 'proof-registry.ts';
    const imported = (importGraph.get(registry) ?? []).filter(
      (path) => !path.startsWith('proofs/'),
    );
    const descriptors = files.map((file) => file.path).filter((path) => path.endsWith('.proof.ts'));
    expect(imported.sort()).toEqual(descriptors.sort());
  });

  it('the packages loaded on first use (platform/startup/on-first-use.ts) are imported elsewhere for their types only', () => {
    const loadedOnFirstUse = ['mailparser', 'smtp-server', 'nodemailer', 'qrcode', 'viem'];
    const found = sourceFiles(SRC)
      .filter((file) => !relative(SRC, file).startsWith('lab-client/'))
      .flatMap((file) =>
        eagerPackageImports(readFileSync(file, 'utf8'))
          .filter((name) => loadedOnFirstUse.includes(name))
          .map((name) => `${relative(SRC, file)} imports ${name}`),
      );
    expect(found).toEqual([]);
  });

  it('finds an eager import of a package where there is one (the check itself works)', () => {
    const text = [
      "import { createTransport } from 'nodemailer';",
      "import type { Transporter } from 'nodemailer';",
      "import { type Address, hashTypedData } from 'viem';",
      "import type { Hex } from 'viem';",
      "import { keccak256 } from 'viem/utils';",
      "const smtp = onFirstUse(() => import('smtp-server'));",
      "const { SMTPServer } = require('smtp-server');",
    ].join('\n');
    expect(eagerPackageImports(text)).toEqual(['nodemailer', 'viem', 'viem/utils', 'smtp-server']);
  });
});

/**
 * The packages a module's text loads when it loads: each value import (`import x from`,
 * `import { a, type B } from`) and `require()`; not `import type` (erased) nor `import()` (when
 * run). A subpath (`viem/utils`) is a module of its own and named whole.
 */
function eagerPackageImports(text: string): string[] {
  const imports = [...text.matchAll(/^import\s+(?!type\s)[^;]*?\sfrom\s+'([^'.][^']*)'/gm)];
  const requires = [...text.matchAll(/\brequire\(\s*'([^'.][^']*)'\s*\)/g)];
  return [...imports, ...requires].map((match) => match[1]);
}
