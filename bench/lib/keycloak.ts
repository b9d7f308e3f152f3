/**
 * Keycloak as a peer of the code exchange (issue #82): its distribution from Maven Central
 * (org.keycloak:keycloak-quarkus-dist, checked against Maven Central's SHA-1), built for
 * production (`kc.sh build --db=dev-file`) and started with `start --optimized`, its dev-file
 * store, `--cache=local` and the JVM flags kc.sh gives it; a realm with a confidential client
 * (client_secret_basic, PKCE S256 required) and a user, made through its admin REST API.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import type { RequestSpec } from '../loadgen/protocol';
import { type Browser, basicAuth } from './browser';
import { type CodeClient, type MintedCode, codeFromRedirect, pkcePair } from './pkce';
import { childPids, freePort, startServer, type ServerProcess } from './processes';

const MAVEN = 'https://repo1.maven.org/maven2/org/keycloak/keycloak-quarkus-dist';
export const REALM = 'bench';
const ADMIN = { username: 'bench-admin', password: 'bench-admin-password-0123456789' };
export const KEYCLOAK_CLIENT: CodeClient = {
  id: 'bench-client',
  secret: 'bench-client-secret-0123456789abcdef',
  redirectUri: 'http://localhost:25001/callback',
};
const USER = { username: 'user0', password: 'password0' };
const OIDC = `/realms/${REALM}/protocol/openid-connect`;

/** The Keycloak `version` unpacked and built under `cacheDir`: its home (bin/kc.sh). */
export async function keycloakHome(
  cacheDir: string,
  version: string,
  javaHome: string,
  log: (line: string) => void,
): Promise<string> {
  const home = join(cacheDir, `keycloak-${version}`);
  const built = join(home, '.proofgate-bench-built');
  if (existsSync(built)) return home;
  mkdirSync(cacheDir, { recursive: true });
  const archive = join(cacheDir, `keycloak-quarkus-dist-${version}.tar.gz`);
  if (!existsSync(archive)) {
    const url = `${MAVEN}/${version}/keycloak-quarkus-dist-${version}.tar.gz`;
    log(`downloading ${url}`);
    const [body, sha1] = await Promise.all([fetchBytes(url), fetchText(`${url}.sha1`)]);
    const actual = createHash('sha1').update(body).digest('hex');
    if (actual !== sha1.trim().slice(0, 40)) {
      throw new Error(`${url}: SHA-1 ${actual}, Maven Central says ${sha1.trim()}`);
    }
    writeFileSync(archive, body);
  }
  rmSync(home, { recursive: true, force: true });
  run('tar', ['xzf', archive, '-C', cacheDir]);
  log(`building Keycloak ${version} for production (kc.sh build --db=dev-file)`);
  run(join(home, 'bin', 'kc.sh'), ['build', '--db=dev-file'], { JAVA_HOME: javaHome });
  writeFileSync(built, `${new Date().toISOString()}\n`);
  return home;
}

/**
 * A JDK Keycloak runs on (21 or later): KEYCLOAK_JAVA_HOME, else the newest of /usr/lib/jvm, else
 * JAVA_HOME when it is one.
 */
export function keycloakJavaHome(): string {
  const candidates = [
    process.env.KEYCLOAK_JAVA_HOME,
    ...(existsSync('/usr/lib/jvm')
      ? readdirSync('/usr/lib/jvm').map((name) => join('/usr/lib/jvm', name))
      : []),
    process.env.JAVA_HOME,
  ].filter((path): path is string => !!path);
  const versioned = candidates
    .map((home) => ({ home, major: javaMajor(home) }))
    .filter(({ major }) => major >= 21)
    .sort((a, b) => b.major - a.major);
  if (process.env.KEYCLOAK_JAVA_HOME && javaMajor(process.env.KEYCLOAK_JAVA_HOME) < 21) {
    throw new Error(
      `KEYCLOAK_JAVA_HOME=${process.env.KEYCLOAK_JAVA_HOME} is not a JDK 21 or later`,
    );
  }
  if (versioned.length === 0) {
    throw new Error('Keycloak needs a JDK 21 or later: set KEYCLOAK_JAVA_HOME to one');
  }
  return versioned[0].home;
}

function javaMajor(home: string): number {
  try {
    const release = readFileSync(join(home, 'release'), 'utf8');
    const version = /^JAVA_VERSION="([^"]+)"/m.exec(release)?.[1] ?? '';
    return Number(version.split('.')[0]);
  } catch {
    return 0;
  }
}

/** Keycloak in production mode on a free port of 127.0.0.1, and the JVM's pid. */
export async function startKeycloak(
  home: string,
  javaHome: string,
): Promise<{ server: ServerProcess; origin: string; javaPid: number }> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // A new dev-file database each run: every run starts from the same empty server.
  rmSync(join(home, 'data'), { recursive: true, force: true });
  const server = await startServer({
    name: 'keycloak',
    command: join(home, 'bin', 'kc.sh'),
    args: [
      'start',
      '--optimized',
      '--http-enabled=true',
      '--http-host=127.0.0.1',
      `--http-port=${port}`,
      `--hostname=${origin}`,
      '--cache=local',
      '--log-level=warn',
    ],
    cwd: home,
    env: {
      PATH: process.env.PATH,
      JAVA_HOME: javaHome,
      KC_BOOTSTRAP_ADMIN_USERNAME: ADMIN.username,
      KC_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    },
    readyUrl: `${origin}/realms/master`,
    timeoutMs: 240_000,
  });
  // kc.sh starts the JVM as its child and waits for it.
  const javaPid = childPids(server.pid).find((pid) =>
    readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('java'),
  );
  if (javaPid === undefined) throw new Error('keycloak: no JVM under kc.sh');
  return { server, origin, javaPid };
}

/**
 * The realm, its confidential client (PKCE S256 required) and user0, by the admin REST API. Its
 * codes live `codeTtlSeconds`, as Proofgate's do in the bench: Keycloak's default of 60 s is shorter
 * than minting a round's codes takes on a busy machine, and every code of the round was refused.
 */
export async function setUpRealm(origin: string, codeTtlSeconds: number): Promise<void> {
  const token = (
    (await json(`${origin}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'admin-cli',
        username: ADMIN.username,
        password: ADMIN.password,
      }).toString(),
    })) as { access_token: string }
  ).access_token;
  const admin = (path: string, body: unknown) =>
    json(`${origin}/admin/realms${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  await admin('', { realm: REALM, enabled: true, accessCodeLifespan: codeTtlSeconds });
  await admin(`/${REALM}/clients`, {
    clientId: KEYCLOAK_CLIENT.id,
    secret: KEYCLOAK_CLIENT.secret,
    publicClient: false,
    clientAuthenticatorType: 'client-secret',
    standardFlowEnabled: true,
    directAccessGrantsEnabled: false,
    redirectUris: [KEYCLOAK_CLIENT.redirectUri],
    attributes: { 'pkce.code.challenge.method': 'S256' },
  });
  await admin(`/${REALM}/users`, {
    username: USER.username,
    enabled: true,
    email: 'user0@example.com',
    emailVerified: true,
    firstName: 'User',
    lastName: 'Zero',
    credentials: [{ type: 'password', value: USER.password, temporary: false }],
  });
}

/** An authorization request of the client, no scope (an access and a refresh token to come). */
function authorizationRequest(): { path: string; state: string; verifier: string } {
  const { verifier, challenge } = pkcePair();
  const state = createHash('sha256').update(verifier).digest('hex').slice(0, 16);
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: KEYCLOAK_CLIENT.id,
    redirect_uri: KEYCLOAK_CLIENT.redirectUri,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return { path: `${OIDC}/auth?${query.toString()}`, state, verifier };
}

/** user0 signs in through Keycloak's login form: the browser then holds its SSO session. */
export async function login(browser: Browser): Promise<MintedCode> {
  const { path, state, verifier } = authorizationRequest();
  const page = await browser.get(path);
  const action = /<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"/.exec(page.text)?.[1];
  if (page.status !== 200 || !action) {
    throw new Error(`keycloak login page: ${page.status} ${page.text.slice(0, 300)}`);
  }
  const posted = await browser.postForm(action.replace(/&amp;/g, '&'), {
    username: USER.username,
    password: USER.password,
    credentialId: '',
  });
  if (posted.status !== 302) {
    throw new Error(`keycloak login: ${posted.status} ${posted.text.slice(0, 300)}`);
  }
  return { code: codeFromRedirect(posted.location, state), verifier };
}

/** Codes from the signed-in browser's session: each authorization request answered 302. */
export async function mintCodes(browser: Browser, n: number): Promise<MintedCode[]> {
  const codes: MintedCode[] = [];
  for (let start = 0; start < n; start += 16) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(16, n - start) }, async () => {
        const { path, state, verifier } = authorizationRequest();
        const res = await browser.get(path);
        if (res.status !== 302) {
          throw new Error(`keycloak authorize: ${res.status} ${res.text.slice(0, 200)}`);
        }
        return { code: codeFromRedirect(res.location, state), verifier };
      }),
    );
    codes.push(...batch);
  }
  return codes;
}

/** POST to Keycloak's token endpoint redeeming each code, as the bench redeems Proofgate's. */
export function exchangeRequests(codes: readonly MintedCode[]): RequestSpec[] {
  return codes.map(({ code, verifier }) => ({
    method: 'POST',
    path: `${OIDC}/token`,
    headers: {
      authorization: basicAuth(KEYCLOAK_CLIENT.id, KEYCLOAK_CLIENT.secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: KEYCLOAK_CLIENT.redirectUri,
    }).toString(),
  }));
}

export const WARM_PATH = `/realms/${REALM}/.well-known/openid-configuration`;

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const result = spawnSync(command, args, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')}: ${result.status}\n${result.stderr}`);
  }
}

async function fetchBytes(url: string): Promise<Buffer> {
  // fetch follows a mirror's redirects (undici 7's request no longer takes maxRedirections).
  const res = await fetch(url, { redirect: 'follow' });
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

async function fetchText(url: string): Promise<string> {
  return (await fetchBytes(url)).toString('utf8');
}

async function json(
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string },
): Promise<unknown> {
  const res = await request(url, init);
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${init.method} ${url}: ${res.statusCode} ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}
