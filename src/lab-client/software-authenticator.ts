/**
 * A software WebAuthn authenticator, for the lab's passkey rows and the API tests: an ES256 (P-256) key pair from node:crypto,
 * `none` attestation by default (or `packed`: self-attestation, or a certificate chain the caller
 * gives, WebAuthn Level 3 §8.2), and the byte layouts of WebAuthn Level 3 §6.1 (authenticator data) and
 * §6.5.1 (attested credential data) written out here, with a minimal CBOR encoder (RFC 8949), so
 * that the server's library is checked against an independent encoding, not against itself.
 * Every field a test may want wrong (origin, RP ID, ceremony type, flags, counter) can be
 * overridden per response.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';

type Cbor = number | string | Uint8Array | Map<number | string, Cbor> | Cbor[];

function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) {
    const out = Buffer.alloc(3);
    out[0] = (major << 5) | 25;
    out.writeUInt16BE(length, 1);
    return out;
  }
  const out = Buffer.alloc(5);
  out[0] = (major << 5) | 26;
  out.writeUInt32BE(length, 1);
  return out;
}

/** RFC 8949 §3: integers, byte and text strings, arrays and maps: all WebAuthn needs. */
export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') {
    return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  }
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([cborHead(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([cborHead(2, value.length), value]);
  if (Array.isArray(value)) return Buffer.concat([cborHead(4, value.length), ...value.map(cbor)]);
  const entries = [...value.entries()];
  return Buffer.concat([
    cborHead(5, entries.length),
    ...entries.flatMap(([key, item]) => [cbor(key), cbor(item)]),
  ]);
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
const b64u = (data: Buffer | Uint8Array) => Buffer.from(data).toString('base64url');

/** WebAuthn Level 3 §6.1 flags. */
export const FLAGS = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;

/** What a test may change in one response. */
export interface ResponseOverrides {
  origin?: string;
  rpId?: string;
  /** clientDataJSON `type`: `webauthn.create` / `webauthn.get`. */
  type?: string;
  /** The challenge clientDataJSON carries (default: the options'). */
  challenge?: string;
  flags?: number;
  counter?: number;
  /** Another credential id than this authenticator's. */
  credentialId?: Buffer;
  /** A `packed` attestation signature that does not verify (one bit flipped). */
  corruptAttestation?: boolean;
}

/**
 * A `packed` attestation with a certificate chain (WebAuthn Level 3 §8.2, "Basic" or "AttCA"):
 * the attestation key signs authenticatorData ‖ clientDataHash, and the chain names its
 * certificate first. A test makes the chain (and its root) itself.
 */
export interface PackedAttestation {
  /** The attestation certificate's private key (ES256). */
  readonly privateKey: KeyObject;
  /** `x5c`: DER certificates, the attestation certificate first. */
  readonly x5c: readonly Uint8Array[];
  /** The model (AAGUID), 16 bytes: what the attestation certificate's id-fido-gen-ce-aaguid says. */
  readonly aaguid: Uint8Array;
}

export interface SoftwareAuthenticatorOptions {
  rpId: string;
  origin: string;
  /** `false`: an authenticator that never counts (its counter stays 0, WebAuthn §6.1.1). */
  counts?: boolean;
  /** Device-bound (`false`, default) or synced (`true`: backup eligible and backed up). */
  synced?: boolean;
  /** An authenticator saved earlier (`save()`), used again: its key, credential and counter. */
  saved?: SavedAuthenticator;
  /**
   * Its attestation: `none` (default), `self` (packed, signed by the credential key itself, no
   * certificate), or a packed attestation by a certificate chain.
   */
  attestation?: 'none' | 'self' | PackedAttestation;
}

/**
 * What `save()` keeps of an authenticator, for another process to sign with it again (the upgrade
 * fixture's passkey, registered by an earlier release): a test key, never a person's.
 */
export interface SavedAuthenticator {
  readonly privateKey: JsonWebKey;
  readonly credentialId: string;
  readonly counter: number;
  readonly userHandle?: string;
}

export class SoftwareAuthenticator {
  readonly credentialId: Buffer;
  private readonly privateKey: KeyObject;
  private readonly x: Buffer;
  private readonly y: Buffer;
  private counter: number;
  private userHandle?: string;

  constructor(private readonly options: SoftwareAuthenticatorOptions) {
    const { saved } = options;
    const { privateKey, publicKey } = saved
      ? {
          privateKey: createPrivateKey({ key: saved.privateKey, format: 'jwk' }),
          publicKey: createPublicKey({ key: saved.privateKey, format: 'jwk' }),
        }
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.credentialId = saved ? Buffer.from(saved.credentialId, 'base64url') : randomBytes(16);
    this.counter = saved?.counter ?? 0;
    this.userHandle = saved?.userHandle;
    const jwk = publicKey.export({ format: 'jwk' });
    this.x = Buffer.from(jwk.x!, 'base64url');
    this.y = Buffer.from(jwk.y!, 'base64url');
  }

  get id(): string {
    return b64u(this.credentialId);
  }

  /** Its key, credential id, counter and user handle, for `saved` in another process. */
  save(): SavedAuthenticator {
    return {
      privateKey: this.privateKey.export({ format: 'jwk' }),
      credentialId: this.id,
      counter: this.counter,
      ...(this.userHandle ? { userHandle: this.userHandle } : {}),
    };
  }

  /** The counter the next assertion will carry, for a test that winds it back. */
  setCounter(value: number): void {
    this.counter = value;
  }

  /** authenticatorMakeCredential with its attestation (`none` by default): a RegistrationResponseJSON. */
  register(
    creation: { challenge: string; user: { id: string } },
    overrides: ResponseOverrides = {},
  ) {
    this.userHandle = creation.user.id;
    const clientDataJSON = this.clientData('webauthn.create', creation.challenge, overrides);
    const coseKey = new Map<number, Cbor>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, this.x],
      [-3, this.y],
    ]);
    const credentialId = overrides.credentialId ?? this.credentialId;
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credentialId.length);
    const attestation = this.options.attestation ?? 'none';
    const authData = Buffer.concat([
      this.authenticatorData(overrides, FLAGS.AT),
      // AAGUID: the model a certificate attests; zeros otherwise, as with `none` attestation.
      typeof attestation === 'object' ? Buffer.from(attestation.aaguid) : Buffer.alloc(16),
      idLength,
      credentialId,
      cbor(coseKey),
    ]);
    const attestationObject = cbor(
      new Map<string, Cbor>([
        ['fmt', attestation === 'none' ? 'none' : 'packed'],
        ['attStmt', this.attestationStatement(authData, clientDataJSON, overrides)],
        ['authData', authData],
      ]),
    );
    return credentialJson(credentialId, {
      clientDataJSON: b64u(clientDataJSON),
      attestationObject: b64u(attestationObject),
      transports: ['internal'],
    });
  }

  /** authenticatorGetAssertion: an AuthenticationResponseJSON; the counter moves first. */
  assert(request: { challenge: string }, overrides: ResponseOverrides = {}) {
    if (this.options.counts !== false && overrides.counter === undefined) this.counter += 1;
    const clientDataJSON = this.clientData('webauthn.get', request.challenge, overrides);
    const authData = this.authenticatorData(overrides, 0);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), {
      key: this.privateKey,
      dsaEncoding: 'der',
    });
    const credentialId = overrides.credentialId ?? this.credentialId;
    return credentialJson(credentialId, {
      clientDataJSON: b64u(clientDataJSON),
      authenticatorData: b64u(authData),
      signature: b64u(signature),
      ...(this.userHandle ? { userHandle: this.userHandle } : {}),
    });
  }

  /** §8.2 packed: `alg`, `sig` over authenticatorData ‖ SHA-256(clientDataJSON), and `x5c`. */
  private attestationStatement(
    authData: Buffer,
    clientDataJSON: Buffer,
    overrides: ResponseOverrides,
  ): Map<string, Cbor> {
    const attestation = this.options.attestation ?? 'none';
    if (attestation === 'none') return new Map();
    const key = attestation === 'self' ? this.privateKey : attestation.privateKey;
    const sig = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), {
      key,
      dsaEncoding: 'der',
    });
    if (overrides.corruptAttestation === true) sig[sig.length - 1] ^= 0x01;
    const statement = new Map<string, Cbor>([
      ['alg', -7],
      ['sig', sig],
    ]);
    if (attestation !== 'self') statement.set('x5c', [...attestation.x5c]);
    return statement;
  }

  private clientData(type: string, challenge: string, overrides: ResponseOverrides): Buffer {
    return Buffer.from(
      JSON.stringify({
        type: overrides.type ?? type,
        challenge: overrides.challenge ?? challenge,
        origin: overrides.origin ?? this.options.origin,
        crossOrigin: false,
      }),
    );
  }

  /** §6.1: rpIdHash (32) | flags (1) | signCount (4, big-endian). */
  private authenticatorData(overrides: ResponseOverrides, extraFlags: number): Buffer {
    const synced = this.options.synced === true ? FLAGS.BE | FLAGS.BS : 0;
    const flags = (overrides.flags ?? FLAGS.UP | FLAGS.UV) | synced | extraFlags;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(overrides.counter ?? (this.options.counts === false ? 0 : this.counter));
    return Buffer.concat([
      sha256(overrides.rpId ?? this.options.rpId),
      Buffer.from([flags]),
      counter,
    ]);
  }
}

/**
 * The PublicKeyCredential as JSON (WebAuthn L3 §5.1.8, `toJSON()`), around either ceremony's
 * response: what a browser's `navigator.credentials` hands the relying party's page.
 */
function credentialJson<Response>(credentialId: Buffer, response: Response) {
  return {
    id: b64u(credentialId),
    rawId: b64u(credentialId),
    type: 'public-key' as const,
    response,
    clientExtensionResults: {},
    authenticatorAttachment: 'platform' as const,
  };
}
