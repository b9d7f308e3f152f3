import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './readme';

/**
 * Project Wycheproof's signature vectors, kept unchanged in the repository (`test/vectors/wycheproof/`,
 * with their README: source and licence), so a plain clone needs nothing beside it.
 */
export const WYCHEPROOF_VECTORS = path.join(__dirname, '..', 'vectors', 'wycheproof');

export const WYCHEPROOF_FILES = [
  'ecdsa_secp256k1_sha256_test.json',
  'ecdsa_secp256k1_sha256_bitcoin_test.json',
  'ecdsa_secp256k1_sha256_p1363_test.json',
  'ecdsa_secp256r1_sha256_test.json',
  'ecdsa_secp256r1_sha256_p1363_test.json',
  'ed25519_test.json',
  'rsa_signature_2048_sha256_test.json',
  'rsa_pss_2048_sha256_mgf1_32_test.json',
] as const;

export type WycheproofFile = (typeof WYCHEPROOF_FILES)[number];

/** `valid` must verify, `invalid` must not; `acceptable` may go either way (note which). */
export type WycheproofResult = 'valid' | 'invalid' | 'acceptable';

export interface WycheproofTest {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  /** Hex. */
  readonly msg: string;
  /** Hex. */
  readonly sig: string;
  readonly result: WycheproofResult;
}

/** An EC public key as the ECDSA files give it: hex, `wx`/`wy` possibly with a sign byte. */
export interface WycheproofEcKey {
  readonly curve: 'secp256k1' | 'secp256r1';
  readonly uncompressed: string;
  readonly wx: string;
  readonly wy: string;
}

export interface WycheproofGroup {
  readonly type: string;
  /** EC: the point; Ed25519: `pk`; RSA: modulus and exponent. */
  readonly publicKey: Record<string, unknown>;
  /** The same key as a JWK (P1363, Ed25519 and PSS files: `publicKeyJwk`; PKCS #1: `keyJwk`). */
  readonly publicKeyJwk?: Record<string, string>;
  readonly keyJwk?: Record<string, string>;
  readonly publicKeyDer?: string;
  readonly sha?: string;
  readonly sLen?: number;
  readonly tests: readonly WycheproofTest[];
}

export interface WycheproofSuite {
  readonly algorithm: string;
  readonly numberOfTests: number;
  readonly testGroups: readonly WycheproofGroup[];
}

const suites = new Map<WycheproofFile, WycheproofSuite>();

export function wycheproof(file: WycheproofFile): WycheproofSuite {
  let suite = suites.get(file);
  if (suite === undefined) {
    suite = JSON.parse(
      readFileSync(path.join(WYCHEPROOF_VECTORS, file), 'utf8'),
    ) as WycheproofSuite;
    suites.set(file, suite);
  }
  return suite;
}

/** Every test of `file` with its group, in file order. */
export function wycheproofTests(
  file: WycheproofFile,
): { group: WycheproofGroup; test: WycheproofTest }[] {
  return wycheproof(file).testGroups.flatMap((group) =>
    group.tests.map((test) => ({ group, test })),
  );
}

export const hexBytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

/**
 * What a verify layer answered for one vector: `true` verified, `false` refused, or refused by a
 * named rule of the proof (a `valid` vector whose signature the curve arithmetic accepts, which
 * the proof's own rule refuses: a high s under EIP-2, say). A layer that throws anything but a
 * typed refusal (a ProtocolError of status < 500) is a defect.
 */
export type WycheproofAnswer = boolean | { readonly refusedBy: string };

/** A run of every vector of one file through one layer, as docs/SECURITY.md records it. */
export interface WycheproofTally {
  readonly valid: number;
  readonly verified: number;
  /** `valid` vectors refused by a named rule: rule -> how many. */
  readonly rules: Readonly<Record<string, number>>;
  /** All refused, else they are defects. */
  readonly invalid: number;
  /** `acceptable` vectors by the answer given. */
  readonly acceptable: Readonly<Partial<Record<'verified' | 'refused', number>>>;
}

export interface WycheproofOutcome {
  readonly tally: WycheproofTally;
  /** `valid` vectors refused by a rule: rule -> tcIds. */
  readonly refusedBy: Readonly<Record<string, number[]>>;
  /** tcId -> the answer given to that `acceptable` vector. */
  readonly acceptable: Readonly<Record<number, 'verified' | 'refused'>>;
  /**
   * A `valid` vector refused with no rule, an `invalid` one verified (or said refused by a rule:
   * rules are for valid signatures), or an error that is not a typed refusal: each a defect.
   */
  readonly defects: string[];
}

/** A typed refusal: a protocol error the one filter answers with a 4xx. */
export function isTypedRefusal(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { status, error: code } = error as { status?: unknown; error?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && typeof code === 'string';
}

/**
 * Runs every vector of `file` through `verdict` (the layer under test, with the vector's key,
 * message and signature put in the form that layer takes) and tallies the answers.
 */
export async function runWycheproof(
  file: WycheproofFile,
  verdict: (
    test: WycheproofTest,
    group: WycheproofGroup,
  ) => WycheproofAnswer | Promise<WycheproofAnswer>,
): Promise<WycheproofOutcome> {
  const counts = { valid: 0, verified: 0, invalid: 0 };
  const refusedBy: Record<string, number[]> = {};
  const acceptable: Record<number, 'verified' | 'refused'> = {};
  const defects: string[] = [];
  for (const { group, test } of wycheproofTests(file)) {
    const name = `tcId ${test.tcId} (${test.result}; ${test.flags.join(', ')}; ${test.comment})`;
    let answer: WycheproofAnswer;
    try {
      answer = await verdict(test, group);
    } catch (error) {
      if (!isTypedRefusal(error)) {
        defects.push(`${name}: threw ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      answer = false;
    }
    const rule = typeof answer === 'object' ? answer.refusedBy : undefined;
    if (test.result === 'valid') {
      counts.valid += 1;
      if (answer === true) counts.verified += 1;
      else if (rule === undefined) defects.push(`${name}: refused`);
      else (refusedBy[rule] ??= []).push(test.tcId);
    } else if (test.result === 'invalid') {
      counts.invalid += 1;
      if (answer === true) defects.push(`${name}: verified`);
      else if (rule !== undefined) defects.push(`${name}: refused by a rule (${rule})`);
    } else {
      acceptable[test.tcId] = answer === true ? 'verified' : 'refused';
    }
  }
  const answers = Object.values(acceptable);
  const acceptableTally: Partial<Record<'verified' | 'refused', number>> = {};
  for (const answer of answers) acceptableTally[answer] = (acceptableTally[answer] ?? 0) + 1;
  const rules = Object.fromEntries(
    Object.entries(refusedBy).map(([rule, tcIds]) => [rule, tcIds.length]),
  );
  return {
    tally: { ...counts, rules, acceptable: acceptableTally },
    refusedBy,
    acceptable,
    defects,
  };
}

/** One file's vectors through one proof's verify layer: a spec runs it, docs/SECURITY.md counts it. */
export interface WycheproofRun {
  /** The Proof cell of its docs row. */
  readonly proof: string;
  /** The function that decides, as the Layer cell names it. */
  readonly layer: string;
  readonly file: WycheproofFile;
  /** The spec that runs it, from the repository's root. */
  readonly spec: string;
}

const SIWE_SPEC = 'src/wallet/siwe/signature-recovery.wycheproof.spec.ts';
const SIWB_SPEC = 'src/wallet/siwb/bitcoin-signature.wycheproof.spec.ts';
const SIWS_SPEC = 'src/wallet/siws/ed25519-signature.wycheproof.spec.ts';
const PASSKEY_SPEC = 'src/passkeys/assertion-signature.wycheproof.spec.ts';
const DPOP_SPEC = 'src/tokens/dpop/dpop-signature.wycheproof.spec.ts';
const CLIENT_SPEC = 'src/clients/assertion/assertion-jws.wycheproof.spec.ts';
const JWT_BEARER_SPEC = 'src/oauth/token/grants/jwt-bearer/jwt-bearer.wycheproof.spec.ts';

/** The vectors of each JWS algorithm Wycheproof has: the signature forms RFC 7518 specifies. */
export const JWS_FILES = {
  ES256: 'ecdsa_secp256r1_sha256_p1363_test.json',
  EdDSA: 'ed25519_test.json',
  RS256: 'rsa_signature_2048_sha256_test.json',
  PS256: 'rsa_pss_2048_sha256_mgf1_32_test.json',
} as const satisfies Record<string, WycheproofFile>;

/** Every run, in the order of the docs table. */
export const WYCHEPROOF_RUNS: readonly WycheproofRun[] = [
  {
    proof: 'SIWE',
    layer: 'SignatureRecovery.examine',
    file: 'ecdsa_secp256k1_sha256_p1363_test.json',
    spec: SIWE_SPEC,
  },
  {
    proof: 'SIWB, BIP-322 simple (P2WPKH)',
    layer: 'verifyDerSignature',
    file: 'ecdsa_secp256k1_sha256_bitcoin_test.json',
    spec: SIWB_SPEC,
  },
  {
    proof: 'SIWB, BIP-322 simple (P2WPKH)',
    layer: 'verifyDerSignature',
    file: 'ecdsa_secp256k1_sha256_test.json',
    spec: SIWB_SPEC,
  },
  {
    proof: 'SIWB, legacy (P2PKH)',
    layer: 'legacySigner',
    file: 'ecdsa_secp256k1_sha256_p1363_test.json',
    spec: SIWB_SPEC,
  },
  { proof: 'SIWS', layer: 'verifySolanaSignature', file: 'ed25519_test.json', spec: SIWS_SPEC },
  {
    proof: 'Passkeys (ES256)',
    layer: 'verifySignature + isDerAssertionSignature',
    file: 'ecdsa_secp256r1_sha256_test.json',
    spec: PASSKEY_SPEC,
  },
  {
    proof: 'Passkeys (EdDSA)',
    layer: 'verifySignature + isDerAssertionSignature',
    file: 'ed25519_test.json',
    spec: PASSKEY_SPEC,
  },
  {
    proof: 'Passkeys (RS256)',
    layer: 'verifySignature + isDerAssertionSignature',
    file: 'rsa_signature_2048_sha256_test.json',
    spec: PASSKEY_SPEC,
  },
  ...(['ES256', 'EdDSA', 'RS256', 'PS256'] as const).map((alg) => ({
    // DPoP takes Ed25519 under both its names (EdDSA, and Ed25519 of RFC 9864): one row.
    proof: `DPoP (${alg === 'EdDSA' ? 'EdDSA, Ed25519' : alg})`,
    layer: alg === 'ES256' ? 'es256SignatureVerifies, then jose' : 'jose',
    file: JWS_FILES[alg],
    spec: DPOP_SPEC,
  })),
  ...(['ES256', 'EdDSA', 'RS256', 'PS256'] as const).map((alg) => ({
    proof: `Client assertions (${alg})`,
    layer: 'signatureVerifies',
    file: JWS_FILES[alg],
    spec: CLIENT_SPEC,
  })),
  ...(['ES256', 'EdDSA', 'RS256', 'PS256'] as const).map((alg) => ({
    proof: `ID-JAG / JWT bearer (${alg})`,
    layer: 'jose',
    file: JWS_FILES[alg],
    spec: JWT_BEARER_SPEC,
  })),
];

export const WYCHEPROOF_DOC = path.join(ROOT, 'docs', 'SECURITY.md');
export const WYCHEPROOF_HEADING = '## Signature verifiers and Project Wycheproof';

/**
 * The runs under WYCHEPROOF_HEADING, as cells: its first table names each run (`#`, proof, layer,
 * file), its second gives each run's counts by the same number; joined, a row is `[proof, layer,
 * file, valid, verified, rules, invalid, acceptable]`.
 */
export function documentedRows(markdown = readFileSync(WYCHEPROOF_DOC, 'utf8')): string[][] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(WYCHEPROOF_HEADING);
  if (start < 0) throw new Error(`docs/SECURITY.md has no "${WYCHEPROOF_HEADING}"`);
  const end = lines.findIndex((line, at) => at > start && line.startsWith('## '));
  const tables: string[][][] = [];
  let previous = '';
  for (const line of lines.slice(start, end < 0 ? undefined : end)) {
    if (line.startsWith('|')) {
      if (!previous.startsWith('|')) tables.push([]);
      tables[tables.length - 1].push(
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    }
    previous = line;
  }
  if (tables.length !== 2)
    throw new Error(`docs/SECURITY.md: ${tables.length} Wycheproof tables, not 2`);
  // Each table's header row and |---| separator.
  const [runs, counts] = tables.map((table) => table.slice(2));
  const byNumber = new Map(counts.map(([number, ...cells]) => [number, cells]));
  return runs.map(([number, ...cells], index) => {
    if (number !== String(index + 1))
      throw new Error(`docs/SECURITY.md: run ${number} out of order`);
    const tally = byNumber.get(number);
    if (tally === undefined) throw new Error(`docs/SECURITY.md: no counts for run ${number}`);
    return [...cells, ...tally];
  });
}

const cellOf = (text: string) => text.replace(/`/g, '');

/** The counts docs/SECURITY.md states for `run`, read from its row. */
export function documentedTally(run: Pick<WycheproofRun, 'proof' | 'file'>): WycheproofTally {
  const row = documentedRows().find(
    ([proof, , file]) => cellOf(proof) === run.proof && cellOf(file) === run.file,
  );
  if (row === undefined)
    throw new Error(`docs/SECURITY.md has no row for ${run.proof}, ${run.file}`);
  const [, , , valid, verified, rules, invalid, acceptable] = row;
  const counted = <K extends string>(cell: string, pattern: RegExp): Record<K, number> =>
    Object.fromEntries(
      [...cell.matchAll(pattern)].map((match) => [match[2], Number(match[1])]),
    ) as Record<K, number>;
  return {
    valid: Number(valid),
    verified: Number(verified),
    rules: counted(rules, /(\d+) `([^`]+)`/g),
    invalid: Number(invalid),
    acceptable: counted(acceptable, /(\d+) (verified|refused)/g),
  };
}

/** A big-endian integer of the vectors' (possibly with a sign byte) as exactly `length` bytes. */
export function fixedBytes(hex: string, length: number): Uint8Array {
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length >= length) return Uint8Array.from(bytes.subarray(bytes.length - length));
  return Uint8Array.from(Buffer.concat([Buffer.alloc(length - bytes.length), bytes]));
}

/**
 * The group's public key as a JWK, as a client would send it: the file's own JWK where it has one
 * (without its `kid`), else (the DER ECDSA files, and P1363 groups whose key is an edge case) the
 * point's coordinates, 32 bytes each (RFC 7518 §6.2.1.2).
 */
export function publicJwkOf(group: WycheproofGroup): Record<string, string> {
  const given = group.publicKeyJwk ?? group.keyJwk;
  if (given !== undefined) {
    return Object.fromEntries(Object.entries(given).filter(([member]) => member !== 'kid'));
  }
  const key = group.publicKey as unknown as WycheproofEcKey;
  const coordinate = (hex: string) => Buffer.from(fixedBytes(hex, 32)).toString('base64url');
  return {
    kty: 'EC',
    crv: key.curve === 'secp256r1' ? 'P-256' : 'secp256k1',
    x: coordinate(key.wx),
    y: coordinate(key.wy),
  };
}

/** The `invalid` vector `tcId` of `file`, checked to carry `flag`: the case a test names. */
export function invalidVector(file: WycheproofFile, tcId: number, flag: string): WycheproofTest {
  const found = wycheproofTests(file).find(({ test }) => test.tcId === tcId)?.test;
  if (found?.result !== 'invalid' || !found.flags.includes(flag)) {
    throw new Error(`${file} has no invalid vector ${tcId} flagged ${flag}`);
  }
  return found;
}

/**
 * The P-256 P1363 vectors the HTTP specs send in place of a real ES256 signature: tcId, and the
 * flag that names its case.
 */
export const P1363_CORNER_CASES = [
  [11, 'InvalidSignature'], // r = 0, s = 0
  [2, 'RangeCheck'], // r + n: 33 bytes
  [121, 'SignatureSize'], // 2 bytes
] as const;

/** That vector's signature, base64url, as a JWS signature segment. */
export function p1363CornerCase(tcId: number, flag: string): string {
  const { sig } = invalidVector('ecdsa_secp256r1_sha256_p1363_test.json', tcId, flag);
  return Buffer.from(sig, 'hex').toString('base64url');
}

/** A compact JWS with its signature segment replaced. */
export function withJwsSignature(jws: string, signature: string): string {
  return `${jws.slice(0, jws.lastIndexOf('.'))}.${signature}`;
}

/** Ed25519's group order L (RFC 8032 §5.1). */
const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n;

/**
 * An Ed25519 signature R ‖ S with S replaced by S + L, Wycheproof's SignatureMalleability case:
 * the same scalar, which a verifier that does not require S < L (RFC 8032 §5.1.7) accepts.
 */
export function withSPlusL(signature: Uint8Array): Uint8Array {
  const s = BigInt(`0x${Buffer.from(signature.subarray(32, 64)).reverse().toString('hex')}`);
  const sPlusL = Buffer.from((s + ED25519_L).toString(16).padStart(64, '0'), 'hex').reverse();
  if (sPlusL.length !== 32) throw new Error('S + L does not fit 32 bytes');
  return Uint8Array.from([...signature.subarray(0, 32), ...sPlusL]);
}
