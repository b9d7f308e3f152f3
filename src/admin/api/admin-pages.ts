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

/**
 * An opaque cursor: the sort key of a page's last item, base64url-encoded so that nobody reads a
 * meaning into it (a later version may put more in it).
 */
function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ k: key }), 'utf8').toString('base64url');
}

/** The sort key a cursor carries; `400 invalid_request` for one this API did not give. */
function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { k?: unknown }).k === 'string'
    ) {
      return (parsed as { k: string }).k;
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
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(view),
    next: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
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

/** What a keyset read of one page asks: the rows after `after` (absent: from the first), `limit` of them. */
export interface PageRead {
  readonly after?: string;
  readonly limit: number;
}

/**
 * The page `query` asks for: `read` gets the key its cursor carries and one row more than the
 * page holds (see pageOf), then each row is answered as `view` has it.
 */
export async function readPage<R, T>(
  query: PageQueryDto,
  read: (page: PageRead) => Promise<readonly R[]>,
  keyOf: (row: R) => string,
  view: (row: R) => T,
): Promise<Page<T>> {
  const limit = pageSize(query);
  const after = decodeCursor(query.cursor);
  const rows = await read({ ...(after === undefined ? {} : { after }), limit: limit + 1 });
  return pageOf(rows, limit, keyOf, view);
}

/** What a keyset read of one page of a list ordered by time then id asks (as PageRead). */
export interface InstantPageRead {
  readonly after?: InstantPosition;
  readonly limit: number;
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
): Promise<Page<T>> {
  return readPage(
    query,
    ({ after, limit }) =>
      read({ ...(after === undefined ? {} : { after: instantPosition(after) }), limit }),
    (row) => instantKey(positionOf(row)),
    view,
  );
}
