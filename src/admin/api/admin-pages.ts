import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { AdminTextField } from './admin-text-field';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** `?limit=&cursor=` of every list of the admin API. */
export class PageQueryDto {
  @ApiProperty({
    required: false,
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: DEFAULT_PAGE_SIZE,
    description: 'How many items at most',
    example: 100,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @AdminTextField({
    description: 'The `next` of the page before (opaque); absent: the first page',
    example: 'eyJrIjoiYmlsbGluZyJ9',
    optional: true,
  })
  cursor?: string;
}

/** A page of a list: its items, and the cursor of the next page (`null`: this was the last). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

/** What a cursor carries: the sort key of a page's last item, and whose list it walks. */
interface Cursor {
  readonly key: string;
  /** The list's `user` as its query named it, and the subject its first page found for it. */
  readonly owner?: { readonly user: string; readonly sub: string };
}

/**
 * An opaque cursor: base64url-encoded JSON, so that nobody reads a meaning into it (a later
 * version may put more in it).
 */
function encodeCursor({ key, owner }: Cursor): string {
  const json = owner === undefined ? { k: key } : { k: key, u: owner.user, s: owner.sub };
  return Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');
}

/** What a cursor carries; `400 invalid_request` for one this API did not give. */
function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      const { k, u, s } = parsed as { k?: unknown; u?: unknown; s?: unknown };
      if (typeof k === 'string' && u === undefined && s === undefined) return { key: k };
      if (typeof k === 'string' && typeof u === 'string' && typeof s === 'string') {
        return { key: k, owner: { user: u, sub: s } };
      }
    }
  } catch {
    // Falls through to the refusal: whatever it was, it is not a cursor of ours.
  }
  throw new InvalidRequest('cursor is not one this API gave (use the `next` of a page)');
}

/**
 * A page from a read of `limit + 1` items in key order: the extra item only says there is more,
 * and the next page starts after the last item answered.
 */
function pageOf<R, T>(
  rows: readonly R[],
  limit: number,
  keyOf: (row: R) => string,
  view: (row: R) => T,
  owner?: Cursor['owner'],
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(view),
    next:
      rows.length > limit && last !== undefined
        ? encodeCursor({ key: keyOf(last), ...(owner === undefined ? {} : { owner }) })
        : null,
  };
}

/** Where a list ordered by time then id stands: an instant and the id of the row there. */
export interface InstantPosition {
  readonly at: Date;
  readonly id: string;
}

/** A row's place in a list ordered by time then id, as a cursor key (the instant in ms). */
function instantKey({ at, id }: InstantPosition): string {
  return `${at.getTime()}.${id}`;
}

/** The place instantKey wrote; `400 invalid_request` for anything else. */
function instantPosition(key: string): InstantPosition {
  const match = /^(\d{1,15})\.(.{1,200})$/s.exec(key);
  if (!match)
    throw new InvalidRequest('cursor is not one this API gave (use the `next` of a page)');
  return { at: new Date(Number(match[1])), id: match[2] };
}

const pageSize = (query: PageQueryDto): number => query.limit ?? DEFAULT_PAGE_SIZE;

/**
 * What a keyset read of one page asks: the rows after `after` (absent: from the first), `limit`
 * of them; for a list of one account's rows (a PageOwner with a user), `sub`, that account.
 */
export interface PageRead {
  readonly after?: string;
  readonly limit: number;
  readonly sub?: string;
}

/**
 * Whose rows a list holds when its query names a user (`?user=`: a username, a subject or a
 * method key), and how the subject is found (AccountAdministration.subjectOf, not_found for a
 * typo). The first page finds it; its cursor carries the subject beside the user, so that the
 * pages after it read their rows and nothing else, and a walk stays with the account it began
 * with. A cursor given with another user than its own is as a first page's.
 */
export interface PageOwner {
  readonly user: string | undefined;
  readonly subjectOf: (user: string) => Promise<string>;
}

/** The list's owner as `sub` for the read (none without a user), and as the cursor carries it. */
async function ownerOf(
  owner: PageOwner | undefined,
  carried: Cursor['owner'],
): Promise<Cursor['owner']> {
  if (owner?.user === undefined) return undefined;
  if (carried?.user === owner.user) return carried;
  return { user: owner.user, sub: await owner.subjectOf(owner.user) };
}

/**
 * The page `query` asks for: `read` gets the key its cursor carries (and, with `owner`, the
 * subject: see PageOwner) and one row more than the page holds (see pageOf), then each row is
 * answered as `view` has it.
 */
export async function readPage<R, T>(
  query: PageQueryDto,
  read: (page: PageRead) => Promise<readonly R[]>,
  keyOf: (row: R) => string,
  view: (row: R) => T,
  owner?: PageOwner,
): Promise<Page<T>> {
  const limit = pageSize(query);
  const cursor = decodeCursor(query.cursor);
  const listOwner = await ownerOf(owner, cursor?.owner);
  const rows = await read({
    ...(cursor === undefined ? {} : { after: cursor.key }),
    limit: limit + 1,
    ...(listOwner === undefined ? {} : { sub: listOwner.sub }),
  });
  return pageOf(rows, limit, keyOf, view, listOwner);
}

/** What a keyset read of one page of a list ordered by time then id asks (as PageRead). */
export interface InstantPageRead {
  readonly after?: InstantPosition;
  readonly limit: number;
  readonly sub?: string;
}

/**
 * readPage over a list ordered by time then id: `read` gets the position the cursor carries, and
 * `positionOf` says where a row stands (its cursor key is instantKey's).
 */
export function readInstantPage<R, T>(
  query: PageQueryDto,
  read: (page: InstantPageRead) => Promise<readonly R[]>,
  positionOf: (row: R) => InstantPosition,
  view: (row: R) => T,
  owner?: PageOwner,
): Promise<Page<T>> {
  return readPage(
    query,
    ({ after, ...rest }) =>
      read({ ...(after === undefined ? {} : { after: instantPosition(after) }), ...rest }),
    (row) => instantKey(positionOf(row)),
    view,
    owner,
  );
}
