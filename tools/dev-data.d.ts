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

export const DATABASE_NOTE_FILE: string;
export const DEFAULT_DATABASE_PORT: number;

/** PROOFGATE_DEV_DATABASE_PORT: a port, 0 for any free one; unset, DEFAULT_DATABASE_PORT. */
export function databasePort(value: string | undefined): number;

/** PROOFGATE_DEV_DATABASE_START_SECONDS in milliseconds; unset, 120 s. */
export function databaseStartTimeoutMs(value: string | undefined): number;

/** `preferred` when free on 127.0.0.1, else 0 (any free port) with `taken`. */
export function chooseDatabasePort(preferred: number): Promise<{ port: number; taken: boolean }>;

/** Notes (mode 0600) where this process's embedded database listens; returns the file. */
export function writeDatabaseNote(
  dataDir: string,
  note: { uri: string; folderSecret: boolean; issuer?: string; port?: string },
): string;

/** Removes the note when this process wrote it. */
export function removeDatabaseNote(dataDir: string): void;

/** The database of the `npm start` running on this data folder, if one is. */
export function runningDatabase(
  dataDir: string,
): { uri: string; folderSecret: boolean; issuer?: string; port?: string } | undefined;

/** The folder's KEY_ENCRYPTION_SECRET if it has one (never creates it). */
export function folderKeyEncryptionSecret(dataDir: string): string | undefined;
