import type { SavedAuthenticator } from '../../src/lab-client/software-authenticator';

/** The file beside the collections' that says what the fixture holds and how to use it again. */
export const FIXTURE_FILE = 'fixture.json';

/**
 * What tools/upgrade-fixture/generate.ts made on an earlier release, besides its collections:
 * test credentials and keys only, never a person's.
 */
export interface UpgradeFixture {
  /** The earlier release's commit. */
  readonly commit: string;
  readonly generatedAt: string;
  /** Its ISSUER (the tokens' `iss`). */
  readonly issuer: string;
  /** Its KEY_ENCRYPTION_SECRET: the stored signing keys open with it alone. */
  readonly keyEncryptionSecret: string;
  readonly user: { readonly username: string; readonly password: string };
  readonly client: { readonly id: string; readonly secret: string; readonly redirectUri: string };
  readonly tokens: {
    readonly accessToken: string;
    readonly idToken: string;
    readonly refreshToken: string;
  };
  /** The passkey the user registered (the lab's software authenticator). */
  readonly passkey: SavedAuthenticator;
  /** The wallet that signed in (SIWE, chain 1). */
  readonly wallet: { readonly privateKey: `0x${string}`; readonly address: string };
  /** The user's email address as linked, its domain in Unicode. */
  readonly email: string;
  /** Every collection the database had, each in `<name>.json` (extended JSON, canonical). */
  readonly collections: readonly string[];
}
