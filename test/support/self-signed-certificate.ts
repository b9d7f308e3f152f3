import { X509Certificate, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * A self-signed X.509 v3 certificate made with node:crypto alone (no openssl, no extra package):
 * an ECDSA P-256 key, `CN=<first name>`, the names as subjectAltName (IP or DNS entries), CA:TRUE
 * so it can be handed to a client as its own trust anchor, valid from an hour ago for a day.
 * Node can sign but not build certificates, so the DER is written here (RFC 5280 §4.1).
 */
export function selfSignedCertificate(names: readonly string[]): { key: string; cert: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const name = seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(names[0])))));
  const now = Date.now();
  const altNames = names.map((entry) =>
    isIP(entry) === 4
      ? tlv(0x87, Buffer.from(entry.split('.').map(Number)))
      : tlv(0x82, Buffer.from(entry, 'ascii')),
  );
  const serial = randomBytes(16);
  // A positive INTEGER in DER's minimal form: a first byte of 0x00 before one under 0x80 is
  // "illegal padding" to OpenSSL (1 certificate in 256 failed so), so it is 0x01 to 0x7f.
  serial[0] = (serial[0] & 0x7f) | 0x01;
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    tlv(0x02, serial),
    ecdsaWithSha256,
    name,
    seq(utcTime(new Date(now - 3600_000)), utcTime(new Date(now + 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(
      0xa3,
      seq(
        // basicConstraints, critical: CA:TRUE
        seq(
          oid('2.5.29.19'),
          tlv(0x01, Buffer.from([0xff])),
          tlv(0x04, seq(tlv(0x01, Buffer.from([0xff])))),
        ),
        // subjectAltName
        seq(oid('2.5.29.17'), tlv(0x04, seq(...altNames))),
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey); // DER ECDSA-Sig-Value
  const der = seq(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const cert = `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
  if (!new X509Certificate(cert).verify(publicKey))
    throw new Error('self-signature does not verify');
  return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), cert };
}

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  const lengthBytes =
    length < 0x80
      ? Buffer.from([length])
      : length < 0x100
        ? Buffer.from([0x81, length])
        : Buffer.from([0x82, length >> 8, length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), lengthBytes, content]);
}

function seq(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function set(...items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(items));
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) base128.unshift((value & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return tlv(0x17, Buffer.from(text, 'ascii'));
}
