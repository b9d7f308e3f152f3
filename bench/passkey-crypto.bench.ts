/**
 * Micro-benchmark of the CPU-bound step of a passkey sign-in against a wallet's, in-process, no
 * HTTP or database (issue #20: passkey verify ≥ 0.8× wallet verify in `npm run bench`):
 * - @simplewebauthn/server's `verifyAuthenticationResponse`, called as
 *   POST /passkeys/authentication/verify calls it (the library's WebCrypto remembering imported
 *   keys: src/passkeys/webauthn-key-imports.ts) and with Node's WebCrypto as is, against SIWE's
 *   parse and native secp256k1 recovery as POST /wallet/verify runs them;
 * - what the library does on every call on its own (v14: the credential's public key goes in as
 *   COSE bytes, never as an imported key): the WebCrypto import of the P-256 key, and its two
 *   SHA-256 digests as WebCrypto jobs; beside them, what the signature check alone costs once a
 *   key is imported;
 * - the service's own steps around the call, before and after they moved to Node's codec;
 * - a registration (issue #79): `verifyRegistrationResponse` of a `none` attestation, against a
 *   `packed` one by a certificate chain followed by AttestationTrust's check of the chain against
 *   the trust list, as POST /passkeys/registration/verify runs them.
 * CPU time (user + system of the process, so the WebCrypto jobs' thread-pool time counts), the
 * contenders of a group interleaved round by round, the median round kept.
 *
 * Run: `npx ts-node --transpile-only -P tsconfig.jest.json bench/passkey-crypto.bench.ts
 * [--n 2000] [--rounds 5] [--concurrency 50] [--write]` (`--write`: into docs/BENCHMARKS.md).
 */
import {
  type JsonWebKey,
  createHash,
  createPublicKey,
  randomBytes,
  verify,
  webcrypto,
} from 'node:crypto';
import { join } from 'node:path';
import 'reflect-metadata';
import { verifyAuthenticationResponse, verifyRegistrationResponse } from '@simplewebauthn/server';
import { cose, decodeCredentialPublicKey, isoBase64URL } from '@simplewebauthn/server/helpers';
import { hexToBytes } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { SoftwareAuthenticator } from '../src/lab-client/software-authenticator';
import type { PasskeyConfig } from '../src/config/sections/passkeys.config';
import { AttestationTrust } from '../src/passkeys/attestation/attestation-trust';
import { SystemClock } from '../src/platform/clock/clock';
import { packedAttestation, rootCa } from '../test/support/attestation-ca';
import { encodedUserHandleOf } from '../src/passkeys/user-handle';
import { WebAuthnKeyImports, libraryWebCrypto } from '../src/passkeys/webauthn-key-imports';
import { buildSiweMessage, parseSiweMessage } from '../src/wallet/siwe/siwe-message.parser';
import { SignatureRecovery } from '../src/wallet/siwe/signature-recovery';
import { describeMachine, loadAverage } from './lib/processes';
import { writeReportSection } from './lib/report-section';
import { median } from './lib/stats';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
};
const N = option('n', 2000);
const ROUNDS = option('rounds', 5);
/** Operations in flight at once: `npm run bench` keeps 50 connections busy. */
const CONCURRENCY = option('concurrency', 50);
const WRITE = argv.includes('--write');
const ROOT = join(__dirname, '..');
const RP_ID = 'localhost';
const ORIGIN = 'http://localhost';

type Contender = readonly [name: string, run: (i: number) => unknown];
interface Row {
  readonly name: string;
  readonly cpuUs: number;
}

/** CPU per operation with CONCURRENCY in flight, as the HTTP bench's connections keep them. */
async function cpuPerOp(run: Contender[1]): Promise<number> {
  const before = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) await run(next++);
    }),
  );
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / N;
}

/** CPU µs per operation of each contender, the median of its rounds. */
async function compare(contenders: readonly Contender[]): Promise<Row[]> {
  for (const [, run] of contenders) for (let i = 0; i < Math.min(200, N); i++) await run(i);
  const rounds: number[][] = contenders.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [c, [, run]] of contenders.entries()) rounds[c].push(await cpuPerOp(run));
  }
  return contenders.map(([name], c) => {
    const row = { name, cpuUs: median(rounds[c]) };
    console.log(`${name.padEnd(100)} ${row.cpuUs.toFixed(1).padStart(8)} µs CPU/op`);
    return row;
  });
}

/**
 * A software passkey (ES256, as the bench's), its public key stored as the service stores it (the
 * library's COSE_Key, base64url), and N assertions over fresh challenges.
 */
async function passkeySignIns() {
  const authenticator = new SoftwareAuthenticator({
    rpId: RP_ID,
    origin: ORIGIN,
    counts: false,
    synced: true,
  });
  const userHandle = encodedUserHandleOf('user0');
  const challenge = randomBytes(32).toString('base64url');
  const registered = await verifyRegistrationResponse({
    response: authenticator.register({ challenge, user: { id: userHandle } }),
    expectedChallenge: challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification: false,
  });
  if (!registered.verified) throw new Error('the software passkey did not register');
  const storedKey = isoBase64URL.fromBuffer(registered.registrationInfo.credential.publicKey);
  const assertions = Array.from({ length: N }, () =>
    authenticator.assert({ challenge: randomBytes(32).toString('base64url') }),
  );
  return { storedKey, assertions, userHandle };
}

/**
 * N registrations of each kind over fresh challenges: a synced passkey's with `none`
 * attestation, and a device-bound one's with a `packed` attestation a test CA's certificate signs;
 * and the trust list holding that CA's root.
 */
async function registrations() {
  const root = await rootCa('Proofgate Bench Attestation Root');
  const packed = await packedAttestation(root, '0c8a4d3e-6a4e-4d1e-9a3f-3b1a2c4d5e6f');
  const registering = (authenticator: SoftwareAuthenticator) =>
    Array.from({ length: N }, () => {
      const challenge = randomBytes(32).toString('base64url');
      return {
        challenge,
        response: authenticator.register({
          challenge,
          user: { id: encodedUserHandleOf('user0') },
        }),
      };
    });
  const plain = new SoftwareAuthenticator({ rpId: RP_ID, origin: ORIGIN, synced: true });
  const attested = new SoftwareAuthenticator({ rpId: RP_ID, origin: ORIGIN, attestation: packed });
  const trust = new AttestationTrust(
    {
      trustedAttestationRoots: [root.certificate.toString('pem')],
      mdsRoots: [],
    } as unknown as PasskeyConfig,
    new SystemClock(),
  );
  return { none: registering(plain), packed: registering(attested), trust };
}

/** The P-256 key of a COSE_Key (RFC 9053 §7.1.1: x and y) as a JWK, for node:crypto. */
function jwkOf(storedKey: string): JsonWebKey {
  const key = decodeCredentialPublicKey(isoBase64URL.toBuffer(storedKey));
  if (!cose.isCOSEPublicKeyEC2(key)) throw new Error('not an EC2 key');
  const coordinate = (value: Uint8Array | undefined) => Buffer.from(value!).toString('base64url');
  return {
    kty: 'EC',
    crv: 'P-256',
    x: coordinate(key.get(cose.COSEKEYS.x)),
    y: coordinate(key.get(cose.COSEKEYS.y)),
  };
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const loadBefore = loadAverage();
  const { storedKey, assertions, userHandle } = await passkeySignIns();
  const jwk = jwkOf(storedKey);
  const accounts = Array.from({ length: 50 }, () => privateKeyToAccount(generatePrivateKey()));
  const siwe = await Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const account = accounts[i % accounts.length];
      const message = buildSiweMessage({
        domain: 'localhost:25000',
        address: account.address,
        uri: 'http://localhost:25000',
        version: '1',
        chainId: 1,
        statement: 'Sign in to Proofgate',
        nonce: `n0nce${i.toString().padStart(12, '0')}`,
        issuedAt: new Date(1_767_225_600_000 + i).toISOString(),
        expirationTime: new Date(1_767_225_900_000 + i).toISOString(),
      });
      return { message, signature: hexToBytes(await account.signMessage({ message })) };
    }),
  );
  const recovery = SignatureRecovery.using('native');
  const keyObject = createPublicKey({ key: jwk, format: 'jwk' });
  const signed = assertions.map(({ response }) => ({
    data: Buffer.concat([
      Buffer.from(response.authenticatorData, 'base64url'),
      createHash('sha256').update(Buffer.from(response.clientDataJSON, 'base64url')).digest(),
    ]),
    signature: Buffer.from(response.signature, 'base64url'),
  }));
  console.log(
    `node ${process.version}, ${N} operations x ${ROUNDS} rounds each, ${CONCURRENCY} in flight\n`,
  );

  const library = libraryWebCrypto();
  if (!library) throw new Error('@simplewebauthn/server has no replaceable WebCrypto reference');
  const remembering = new WebAuthnKeyImports(10_000);
  const passkeyCheck = (crypto: typeof webcrypto) => (i: number) => {
    library.setCachedCrypto(crypto);
    return verifyAuthenticationResponse({
      response: assertions[i],
      expectedChallenge: () => Promise.resolve(true),
      expectedOrigin: [ORIGIN],
      expectedRPID: RP_ID,
      credential: {
        id: assertions[i].id,
        publicKey: new Uint8Array(Buffer.from(storedKey, 'base64url')),
        counter: 0,
      },
      requireUserVerification: false,
    });
  };
  const [passkey, passkeyAlone, wallet] = await compare([
    [
      'Passkey: verifyAuthenticationResponse as /passkeys/authentication/verify calls it, its key imported once (WebAuthnKeyImports)',
      passkeyCheck(remembering.crypto),
    ],
    [
      'Passkey: verifyAuthenticationResponse with Node’s WebCrypto as is (the library imports the key on every call)',
      passkeyCheck(webcrypto),
    ],
    [
      'SIWE: message parse and native secp256k1 recovery, as /wallet/verify runs them',
      (i) => {
        parseSiweMessage(siwe[i].message);
        return recovery.examineMessage(siwe[i].message, siwe[i].signature);
      },
    ],
  ]);
  const repeated = await compare([
    [
      'of the library’s own check: WebCrypto importKey of the P-256 public key (JWK), on every call',
      () =>
        webcrypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, [
          'verify',
        ]),
    ],
    [
      'of the passkey check: one WebCrypto SHA-256 digest (two per call: RP ID, clientDataJSON)',
      (i) => webcrypto.subtle.digest('SHA-256', signed[i].data.subarray(0, 32)),
    ],
    [
      'for comparison: the ES256 signature check alone, with a key imported once (node:crypto)',
      (i) =>
        verify(
          'sha256',
          signed[i].data,
          { key: keyObject, dsaEncoding: 'der' },
          signed[i].signature,
        ),
    ],
  ]);
  const around = await compare([
    [
      'around the call, before: the stored key decoded with isoBase64URL (pure JS)',
      () => isoBase64URL.toBuffer(storedKey),
    ],
    [
      'around the call, now: the stored key decoded with Node’s base64url',
      () => new Uint8Array(Buffer.from(storedKey, 'base64url')),
    ],
    [
      'around the call, before: the expected user handle, SHA-256 then isoBase64URL',
      () =>
        isoBase64URL.fromBuffer(
          new Uint8Array(
            createHash('sha256').update('proofgate webauthn user handle\0user0').digest(),
          ),
        ) === userHandle,
    ],
    [
      'around the call, now: the expected user handle, SHA-256 digest as base64url',
      () => encodedUserHandleOf('user0') === userHandle,
    ],
  ]);
  const registering = await registrations();
  const registration =
    (kind: 'none' | 'packed') =>
    async (i: number): Promise<unknown> => {
      const { challenge, response } = registering[kind][i];
      const verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
        requireUserVerification: false,
      });
      if (!verified.verified) throw new Error(`a ${kind} registration did not verify`);
      if (kind === 'none') return verified;
      const assessed = await registering.trust.assess(verified.registrationInfo);
      if (!assessed.hardwareBound) throw new Error('the attested passkey is not hardware-bound');
      return assessed;
    };
  const [registeredPlain, registeredAttested] = await compare([
    ['Registration, `none` attestation: verifyRegistrationResponse', registration('none')],
    [
      'Registration, `packed` attestation: verifyRegistrationResponse, then AttestationTrust',
      registration('packed'),
    ],
  ]);
  const attestedRatio = registeredAttested.cpuUs / registeredPlain.cpuUs;
  console.log(`\n  an attested registration costs ${attestedRatio.toFixed(2)}× a plain one's CPU`);
  const gap = passkey.cpuUs - wallet.cpuUs;
  console.log(
    `\n  the passkey check costs ${gap.toFixed(0)} µs of CPU more than SIWE's per sign-in`,
  );
  if (WRITE) {
    const fmt = (row: Row) => `| ${row.name} | ${row.cpuUs.toFixed(1)} |`;
    const section = [
      '<!-- bench:passkey-crypto -->',
      '## Passkey verify against wallet verify: the signature checks alone',
      '',
      'Written by `npx ts-node --transpile-only -P tsconfig.jest.json bench/passkey-crypto.bench.ts --write` (`bench/passkey-crypto.bench.ts`); run it again rather than editing this section.',
      '',
      `- Date: ${new Date().toISOString()}`,
      `- Machine: ${machine.cpus} CPUs, ${machine.cpuModel}; Node ${machine.node}; load average ${loadBefore} before, ${loadAverage()} after (a machine shared with other work: compare rows of one run)`,
      `- In one process, no HTTP, no database: ${N} operations per round with ${CONCURRENCY} in flight (as the bench's connections), ${ROUNDS} rounds, the contenders interleaved; CPU time (user + system, so the WebCrypto jobs run on Node's thread pool count), the median round`,
      '',
      '| Per sign-in | CPU µs |',
      '|---|---|',
      ...[passkey, passkeyAlone, wallet, ...repeated, ...around].map(fmt),
      '',
      `The passkey check costs ${gap.toFixed(0)} µs of CPU more than SIWE's per sign-in, and`,
      `${(passkeyAlone.cpuUs - passkey.cpuUs).toFixed(0)} µs less than the library's check on its own: the difference is the import of the`,
      'credential key, which @simplewebauthn/server (it takes the key only as COSE bytes) does through',
      'WebCrypto on every call. The service hands the library a WebCrypto whose import of a public',
      'verification key returns the key imported before from the same JWK (`src/passkeys/webauthn-key-imports.ts`);',
      "the check itself, signature included, stays the library's. What is left of the gap is the",
      "library's digests and signature check, run as WebCrypto jobs on the thread pool. The rest of",
      'both requests is alike (the challenge redeemed in one round trip, the grant and its tokens); a',
      "passkey sign-in adds the credential lookup (batched per event-loop turn, as the wallet's account",
      'lookup) and a larger body to validate.',
      '',
      '| Per registration | CPU µs |',
      '|---|---|',
      ...[registeredPlain, registeredAttested].map(fmt),
      '',
      `An attested registration costs ${attestedRatio.toFixed(2)}× a plain one's CPU: the attestation's signature and its`,
      'certificate chain (@peculiar/x509 over WebCrypto) checked once, at registration. A hardware-bound',
      "passkey's sign-ins then cost what a plain passkey's do: `npm run bench` measures them side by side",
      '(`proofgate.passkey-phrh` against `proofgate.passkey`, CPU per request).',
      '<!-- /bench:passkey-crypto -->',
    ].join('\n');
    const path = join(ROOT, 'docs', 'BENCHMARKS.md');
    writeReportSection(path, 'passkey-crypto', section);
    console.log(`wrote ${path}`);
  }
}

void main();
