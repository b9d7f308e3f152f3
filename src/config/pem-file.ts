import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { ConfigError } from './env-parsers';

/** The text of the file a setting names, or a start error naming the setting and the path. */
export function readSettingFile(name: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${name}: cannot read "${path}" (${(error as Error).message})`);
  }
}

/** Every `-----BEGIN CERTIFICATE-----` block of a PEM text. */
export const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The certificates of the PEM file a setting names (at least one), each parsed, as PEM: a start
 * error names the setting, the path and which block is not a certificate.
 */
export function pemCertificatesFile(name: string, path: string): string[] {
  const blocks = readSettingFile(name, path).match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    throw new ConfigError(`${name}: "${path}" holds no PEM certificate`);
  }
  for (const [index, pem] of blocks.entries()) {
    try {
      new X509Certificate(pem);
    } catch {
      throw new ConfigError(
        `${name}: certificate ${index + 1} of "${path}" is not a valid X.509 certificate`,
      );
    }
  }
  return blocks;
}
