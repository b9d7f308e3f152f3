/**
 * The acceptance suite's own WebAuthn authenticator and attestation CA, written for it from the
 * specifications (WebAuthn Level 3 §6.1 authenticator data, §6.5.1 attested credential data, §8.2
 * `packed` attestation; RFC 8949 CBOR; FIDO's attestation certificate requirements), sharing no
 * code with the service or the lab: a client's view of what a passkey sends. ES256 keys from
 * node:crypto, certificates from @peculiar/x509.
 */
import {
  createHash,
  generateKeyPairSync,
  KeyObject,
  randomBytes,
  randomUUID,
  sign,
  webcrypto,
} from 'node:crypto';
import * as x509 from '@peculiar/x509';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();
const b64u = (data: Buffer) => data.toString('base64url');

type CborValue = number | string | Buffer | CborValue[] | Map<number | string, CborValue>;

/** RFC 8949 §3.1: a major type and its argument, in the shortest form. */
function head(major: number, argument: number): Buffer {
  const type = major << 5;
  if (argument < 24) return Buffer.from([type | argument]);
  if (argument <= 0xff) return Buffer.from([type | 24, argument]);
  if (argument <= 0xffff) return Buffer.from([type | 25, argument >> 8, argument & 0xff]);
  const long = Buffer.alloc(5);
  long[0] = type | 26;
  long.writeUInt32BE(argument, 1);
  return long;
}

/** RFC 8949 deterministic enough for WebAuthn: maps keep the order they are written in. */
function encode(value: CborValue): Buffer {
  if (typeof value === 'number') return value < 0 ? head(1, -value - 1) : head(0, value);
  if (typeof value === 'string') {
    const text = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, text.length), text]);
  }
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(encode)]);
  const pairs = [...value].flatMap(([key, item]) => [encode(key), encode(item)]);
  return Buffer.concat([head(5, value.size), ...pairs]);
}

/** An attestation key and its certificate chain (`x5c`), for one authenticator model. */
export interface Attestation {
  readonly key: KeyObject;
  readonly x5c: Buffer[];
  readonly aaguid: Buffer;
}

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const YEAR_MS = 365 * 86_400_000;

interface Issued {
  readonly subject: string;
  readonly keys: webcrypto.CryptoKeyPair;
  readonly certificate: x509.X509Certificate;
}

async function certificate(
  subject: string,
  issuer: Issued | undefined,
  extensions: x509.Extension[],
): Promise<Issued> {
  const keys = await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify']);
  const issued = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomUUID().replace(/-/g, ''),
      subject,
      issuer: issuer?.subject ?? subject,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + YEAR_MS),
      publicKey: keys.publicKey,
      signingKey: (issuer ?? { keys }).keys.privateKey,
      signingAlgorithm: ECDSA_P256,
      extensions,
    },
    webcrypto,
  );
  return { subject, keys, certificate: issued };
}

/** An authenticator maker's certificate authority: its root, in PEM, and the models it attests. */
export class AttestationAuthority {
  private constructor(private readonly root: Issued) {}

  static async create(name: string): Promise<AttestationAuthority> {
    return new AttestationAuthority(
      await certificate(`CN=${name}, O=Acceptance Authenticators, C=DE`, undefined, [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      ]),
    );
  }

  /** What an operator puts in PASSKEY_TRUSTED_ATTESTATION_ROOTS. */
  get pem(): string {
    return this.root.certificate.toString('pem');
  }

  /**
   * The attestation of model `aaguid` (FIDO's packed requirements: subject OU "Authenticator
   * Attestation", no CA, the AAGUID in extension 1.3.6.1.4.1.45724.1.1.4).
   */
  async attest(aaguid: string): Promise<Attestation> {
    const model = Buffer.from(aaguid.replace(/-/g, ''), 'hex');
    const leaf = await certificate(
      'CN=Acceptance Key, OU=Authenticator Attestation, O=Acceptance Authenticators, C=DE',
      this.root,
      [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.Extension(
          '1.3.6.1.4.1.45724.1.1.4',
          false,
          Buffer.concat([Buffer.from([0x04, model.length]), model]),
        ),
      ],
    );
    return {
      key: KeyObject.from(leaf.keys.privateKey),
      x5c: [Buffer.from(leaf.certificate.rawData)],
      aaguid: model,
    };
  }
}

/** WebAuthn Level 3 §6.1 flags: user present, user verified, backup eligible and state, AT. */
const UP = 0x01;
const UV = 0x04;
const BACKED_UP = 0x08 | 0x10;
const ATTESTED = 0x40;

/** A passkey in a software authenticator: device-bound, or synced (backup eligible). */
export class Passkey {
  readonly id = randomBytes(16);
  private readonly key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  private counter = 0;
  private userHandle = '';

  constructor(
    private readonly rp: { readonly id: string; readonly origin: string },
    private readonly options: { readonly synced?: boolean; readonly attestation?: Attestation },
  ) {}

  get credentialId(): string {
    return b64u(this.id);
  }

  /** navigator.credentials.create(), as its JSON: attestation `packed` when attested, else `none`. */
  register(
    creation: { challenge: string; user: { id: string } },
    { corruptSignature = false } = {},
  ) {
    this.userHandle = creation.user.id;
    const clientDataJSON = this.clientData('webauthn.create', creation.challenge);
    const jwk = this.key.publicKey.export({ format: 'jwk' });
    const coseKey = new Map<number, CborValue>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]);
    const { attestation } = this.options;
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.id.length);
    const authData = Buffer.concat([
      this.authenticatorData(ATTESTED),
      attestation?.aaguid ?? Buffer.alloc(16),
      idLength,
      this.id,
      encode(coseKey),
    ]);
    const statement = new Map<string, CborValue>();
    if (attestation) {
      const sig = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), {
        key: attestation.key,
        dsaEncoding: 'der',
      });
      if (corruptSignature) sig[sig.length - 1] ^= 0xff;
      statement.set('alg', -7).set('sig', sig).set('x5c', attestation.x5c);
    }
    const attestationObject = encode(
      new Map<string, CborValue>([
        ['fmt', attestation ? 'packed' : 'none'],
        ['attStmt', statement],
        ['authData', authData],
      ]),
    );
    return this.credential({
      clientDataJSON: b64u(clientDataJSON),
      attestationObject: b64u(attestationObject),
      transports: ['usb'],
    });
  }

  /** navigator.credentials.get(), as its JSON. */
  assert(request: { challenge: string }) {
    this.counter += 1;
    const clientDataJSON = this.clientData('webauthn.get', request.challenge);
    const authData = this.authenticatorData(0);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), {
      key: this.key.privateKey,
      dsaEncoding: 'der',
    });
    return this.credential({
      clientDataJSON: b64u(clientDataJSON),
      authenticatorData: b64u(authData),
      signature: b64u(signature),
      userHandle: this.userHandle,
    });
  }

  private clientData(type: string, challenge: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: this.rp.origin }));
  }

  private authenticatorData(extra: number): Buffer {
    const flags = UP | UV | (this.options.synced ? BACKED_UP : 0) | extra;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    return Buffer.concat([sha256(Buffer.from(this.rp.id)), Buffer.from([flags]), counter]);
  }

  private credential<R>(response: R) {
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response,
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform',
    };
  }
}
