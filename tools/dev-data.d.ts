export const H2_FILE: string;
export const SECRET_FILE: string;
export const FORMER_DEV_SECRET: string;

/** Creates the folder 0700 (or brings it to 0700) and its files to 0600. */
export function prepareDataDir(dataDir: string): { h2File: string };

/** The folder's KEY_ENCRYPTION_SECRET, created (mode 0600) on its first start, read later. */
export function devKeyEncryptionSecret(dataDir: string): {
  secret: string;
  /** `kept`: the folder held a database from before per-folder secrets (the former secret). */
  origin: 'created' | 'read' | 'kept';
  file: string;
};

/** Runs `start` (which spawns synchronously) under umask 077. */
export function withPrivateFiles<T>(start: () => T): T;
