/**
 * The admin API's list cost (issue #77: "a list of 1,000 grants pages in under 2 database
 * commands per page"): an admin client registered through OAUTH_CLIENTS (`admin_scopes`,
 * client_secret_basic, client_credentials only) reads a person's 1,000 grants 100 a page at
 * `GET /admin/v1/grants?user=…`, under load and then one page at a time on one connection. The
 * grants are written into the service's database before the first round (read by the service
 * through the counting proxy like everything else it reads; the writing is not counted): a grant
 * of the bench's person each, as a code exchange leaves it. Nothing here imports the service's
 * code.
 */
import { randomBytes } from 'node:crypto';
import { mongo } from 'mongoose';
import type { RequestSpec } from '../loadgen/protocol';
import { basicAuth } from './browser';

/** The admin client: confidential, `admin:read` only. */
export interface AdminClient {
  readonly id: string;
  readonly secret: string;
}

export function adminClient(): AdminClient {
  return { id: 'bench-admin', secret: randomBytes(32).toString('base64url') };
}

/** The admin client as OAUTH_CLIENTS registers it. */
export function adminClientMetadata(client: AdminClient): Record<string, unknown> {
  return {
    client_id: client.id,
    client_secret: client.secret,
    name: 'Bench admin',
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    admin_scopes: ['admin:read'],
  };
}

/** The person whose grants are listed: one of the bench's own, holding nothing else. */
export const ADMIN_LISTED_SUBJECT = 'bench-admin-listed';
/** The wallet the listed account signs in with (no one holds its key: nothing signs in). */
const LISTED_METHOD = 'eip155:1:0x000000000000000000000000000000000000bE7C';
/** How many grants the person holds, and how many a page lists. */
export const ADMIN_LISTED_GRANTS = 1000;
export const ADMIN_PAGE_SIZE = 100;
/**
 * Pages read one at a time on one connection after the loaded ones: what a lone operator's
 * script walking the list costs, with nothing batched with another request.
 */
export const ADMIN_LONE_PAGES = 100;

/**
 * Writes the person's grants into `databaseUri` (the service's database, directly): refreshable
 * grants of the first-party client, live for a day, ids in order so that the pages are stable.
 */
export async function seedListedGrants(databaseUri: string): Promise<void> {
  const client = new mongo.MongoClient(databaseUri);
  try {
    // The account the grants are of: `?user=` names an account some method signs in to.
    await client
      .db()
      .collection<{ _id: string }>('account_methods')
      .updateOne(
        { _id: LISTED_METHOD },
        { $set: { type: 'wallet', sub: ADMIN_LISTED_SUBJECT, addedAt: new Date() } },
        { upsert: true },
      );
    const grants = client.db().collection<{ _id: string }>('grants');
    await grants.deleteMany({ sub: ADMIN_LISTED_SUBJECT });
    const now = Date.now();
    await grants.insertMany(
      Array.from({ length: ADMIN_LISTED_GRANTS }, (_, i) => ({
        _id: `bench-admin-${String(i).padStart(4, '0')}`,
        sub: ADMIN_LISTED_SUBJECT,
        clientId: 'demo-client',
        scope: 'openid profile',
        resource: 'http://localhost/api',
        authMethod: 'password',
        createdAt: new Date(now - (ADMIN_LISTED_GRANTS - i) * 1000),
        expiresAt: new Date(now + 86_400_000),
        refresh: { current: randomBytes(16).toString('base64url') },
      })),
    );
  } finally {
    await client.close();
  }
}

/** An `admin:read` access token for the admin API (client_credentials), fetched at `origin`. */
export async function adminToken(origin: string, client: AdminClient): Promise<string> {
  const response = await fetch(`${origin}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(client.id, client.secret),
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'admin:read' }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || typeof body.access_token !== 'string') {
    throw new Error(`the admin client got no token: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.access_token;
}

function pagePath(cursor: string | null): string {
  const query = new URLSearchParams({
    user: ADMIN_LISTED_SUBJECT,
    limit: String(ADMIN_PAGE_SIZE),
    ...(cursor === null ? {} : { cursor }),
  });
  return `/admin/v1/grants?${query.toString()}`;
}

/**
 * Walks the whole list once, as a client would (each page's `next` the following page's cursor),
 * checking that it holds every grant once: the paths of its pages, for the phases to request.
 */
export async function walkListedGrants(origin: string, token: string): Promise<string[]> {
  const paths: string[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  do {
    const path = pagePath(cursor);
    const response = await fetch(`${origin}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as {
      items?: { grant_id: string }[];
      next?: string | null;
    };
    if (response.status !== 200 || !Array.isArray(body.items) || body.next === undefined) {
      throw new Error(`an admin list page failed: ${response.status} ${JSON.stringify(body)}`);
    }
    for (const item of body.items) seen.add(item.grant_id);
    paths.push(path);
    cursor = body.next;
  } while (cursor !== null);
  if (seen.size !== ADMIN_LISTED_GRANTS || paths.length !== ADMIN_LISTED_GRANTS / ADMIN_PAGE_SIZE) {
    throw new Error(
      `the admin list walked ${seen.size} grants in ${paths.length} pages, not ${ADMIN_LISTED_GRANTS} in ${ADMIN_LISTED_GRANTS / ADMIN_PAGE_SIZE}`,
    );
  }
  return paths;
}

/** `n` page reads, the list's pages in turn. */
export function pageRequests(paths: readonly string[], token: string, n: number): RequestSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    method: 'GET',
    path: paths[i % paths.length],
    headers: { authorization: `Bearer ${token}` },
  }));
}
