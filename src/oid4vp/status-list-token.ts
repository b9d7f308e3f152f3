import { promisify } from 'node:util';
import { inflate } from 'node:zlib';

/**
 * What one status list may take and bring back, and how many are kept verified. A list of a
 * million 1-bit entries is 125 KiB before compression and a few KiB after.
 */
export const STATUS_LIST_LIMITS = {
  /** The Status List Token as served; a larger answer is refused unread. */
  maxBytes: 1024 * 1024,
  /** The list decompressed (64 Mi entries of 1 bit): a compression bomb stops here. */
  maxListBytes: 8 * 1024 * 1024,
  /** Name resolution, connection and answer. */
  timeoutMs: 5_000,
  /** Verified lists kept at once, and their decompressed bytes in all. */
  cacheEntries: 256,
  cacheBytes: 64 * 1024 * 1024,
} as const;

/** Token Status List §5.1: the `typ` of a Status List Token in JWT format. */
const STATUS_LIST_JWT_TYPES = new Set(['statuslist+jwt', 'application/statuslist+jwt']);
/** Token Status List §4: the sizes a status may have, in bits. */
const STATUS_BITS = [1, 2, 4, 8] as const;
export type StatusBits = (typeof STATUS_BITS)[number];
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** RFC 7519 §4.1.5: an `nbf` a little ahead of this server's clock is accepted. */
const FUTURE_SKEW_SECONDS = 60;

/** Why a Status List Token cannot be used; the message names the rule, never the token. */
export class StatusListRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatusListRefused';
  }
}

/** A Status List Token's claims that passed its rules. */
export interface CheckedStatusList {
  readonly bits: StatusBits;
  /** The status list, compressed and base64url-encoded. */
  readonly lst: string;
  readonly exp?: number;
  readonly ttl?: number;
}

/** What the Referenced Token (the credential) says of the list it names. */
export interface StatusListReference {
  /** The credential's `status.status_list.uri`: where the list was fetched from. */
  readonly uri: string;
  /** The credential's `iss`, whose keys verified the list's signature. */
  readonly issuer: string;
  readonly nowSeconds: number;
}

/**
 * Token Status List §5.1 (a Status List Token in JWT format) and §8.3 (validation rules), on a
 * token whose signature by the credential's issuer was checked: `typ` `statuslist+jwt`; `sub` the
 * URI the credential names (simple string comparison); `iss`, when present, the credential's
 * (required by draft 02, which @sd-jwt/jwt-status-list follows; later drafts dropped it); `iat`
 * present; not expired (`exp`) nor not yet valid (`nbf`, RFC 7519 §4.1.5); `ttl`, when present,
 * a positive number; `status_list` with `bits` 1, 2, 4 or 8 and a base64url `lst`.
 */
export function checkStatusListToken(
  header: Readonly<Record<string, unknown>>,
  claims: Readonly<Record<string, unknown>>,
  reference: StatusListReference,
): CheckedStatusList {
  const { nowSeconds } = reference;
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
  if (typ === undefined || !STATUS_LIST_JWT_TYPES.has(typ)) {
    refuse('its typ is not statuslist+jwt');
  }
  if (claims.sub !== reference.uri) refuse('its sub is not the URI it was fetched from');
  if (claims.iss !== undefined && claims.iss !== reference.issuer) {
    refuse("its iss is not the credential's issuer");
  }
  if (!isNumericDate(claims.iat)) refuse('it has no iat');
  const { exp, nbf, ttl } = claims;
  if (exp !== undefined && (!isNumericDate(exp) || exp <= nowSeconds)) refuse('it is expired');
  if (nbf !== undefined && (!isNumericDate(nbf) || nbf > nowSeconds + FUTURE_SKEW_SECONDS)) {
    refuse('it is not yet valid');
  }
  if (ttl !== undefined && !(isNumericDate(ttl) && ttl > 0)) {
    refuse('its ttl is not a positive number');
  }
  const list = claims.status_list;
  if (typeof list !== 'object' || list === null || Array.isArray(list)) {
    refuse('it has no status_list');
  }
  const { bits, lst } = list as Record<string, unknown>;
  if (!STATUS_BITS.includes(bits as StatusBits)) refuse('its bits is not 1, 2, 4 or 8');
  if (typeof lst !== 'string' || !BASE64URL.test(lst)) refuse('its lst is not base64url');
  return {
    bits: bits as StatusBits,
    lst,
    ...(exp === undefined ? {} : { exp }),
    ...(ttl === undefined ? {} : { ttl }),
  };
}

/**
 * Token Status List §8.3 step 4 and its considerations on stale lists: how long a verified list is
 * reused, in seconds: at most its `ttl`, never past its `exp`, and at most `maxAgeSeconds` (the
 * operator's bound on how late a revocation is seen). 0: not kept.
 */
export function statusListCacheSeconds(
  list: Pick<CheckedStatusList, 'exp' | 'ttl'>,
  nowSeconds: number,
  maxAgeSeconds: number,
): number {
  const untilExpiry = list.exp === undefined ? Infinity : list.exp - nowSeconds;
  return Math.max(0, Math.min(maxAgeSeconds, list.ttl ?? Infinity, untilExpiry));
}

const inflateAsync = promisify(inflate);

/**
 * Token Status List §4: `lst` decompressed (DEFLATE in the ZLIB format), off the event loop and
 * stopped past `maxBytes`.
 */
export async function decompressStatusList(lst: string, maxBytes: number): Promise<Uint8Array> {
  try {
    return await inflateAsync(Buffer.from(lst, 'base64url'), { maxOutputLength: maxBytes });
  } catch {
    throw new StatusListRefused(`its lst is not a ZLIB stream of at most ${maxBytes} bytes`);
  }
}

/**
 * Token Status List §4: the status at `idx` of a decompressed list of `bits`-bit statuses, each
 * byte holding 8 / `bits` of them from its least significant bit up; undefined past the list's
 * end (§8.3 step 6).
 */
export function statusAt(list: Uint8Array, bits: StatusBits, idx: number): number | undefined {
  const perByte = 8 / bits;
  const byte = list[Math.floor(idx / perByte)];
  if (byte === undefined) return undefined;
  return (byte >> ((idx % perByte) * bits)) & ((1 << bits) - 1);
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function refuse(message: string): never {
  throw new StatusListRefused(message);
}
