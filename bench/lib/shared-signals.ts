/**
 * The Shared Signals transmitter's cost (issue #80: "the hot paths do not slow down, and the
 * outbox work per event is measured"): a receiver client registered through OAUTH_CLIENTS
 * (`ssf_receiver`), a push stream of every account (`default_subjects` ALL) to a loopback endpoint
 * in the bench process that accepts each SET (`202`), and an admin client whose `PATCH
 * /admin/v1/users/{username}` locks an account down and lifts it (one RISC SET each). Each round
 * runs the same phases with the stream and without it, the order alternating by round. Nothing
 * here imports the service's code.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestSpec } from '../loadgen/protocol';
import { basicAuth, inBatches } from './browser';

/** The receiver client and the admin client that makes the causes. */
export interface SignalsClients {
  readonly receiver: { readonly id: string; readonly secret: string };
  readonly admin: { readonly id: string; readonly secret: string };
}

export function signalsClients(): SignalsClients {
  return {
    receiver: { id: 'bench-ssf-receiver', secret: randomBytes(32).toString('base64url') },
    admin: { id: 'bench-ssf-admin', secret: randomBytes(32).toString('base64url') },
  };
}

/** Their OAUTH_CLIENTS entries (docs/SHARED-SIGNALS.md, docs/ADMINISTRATION.md). */
export function signalsClientsMetadata(clients: SignalsClients): Record<string, unknown>[] {
  const machine = (client: { id: string; secret: string }, name: string) => ({
    client_id: client.id,
    client_secret: client.secret,
    name,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
  });
  return [
    { ...machine(clients.receiver, 'Bench SSF receiver'), ssf_receiver: true },
    { ...machine(clients.admin, 'Bench SSF causes'), admin_scopes: ['admin:read', 'admin:write'] },
  ];
}

/**
 * The settings the push stream needs of the production service: its endpoint is on loopback,
 * which production refuses unless allowed (as for back-channel logout).
 */
export const SIGNALS_ENV = { BACKCHANNEL_LOGOUT_ALLOW_PRIVATE: 'true' } as const;

/** The events the bench's stream asks for: every one Proofgate transmits. */
const EVENTS = [
  'https://schemas.openid.net/secevent/caep/event-type/session-revoked',
  'https://schemas.openid.net/secevent/caep/event-type/credential-change',
  'https://schemas.openid.net/secevent/caep/event-type/assurance-level-change',
  'https://schemas.openid.net/secevent/caep/event-type/token-claims-change',
  'https://schemas.openid.net/secevent/risc/event-type/account-disabled',
  'https://schemas.openid.net/secevent/risc/event-type/account-enabled',
  'https://schemas.openid.net/secevent/risc/event-type/credential-compromise',
  'https://schemas.openid.net/secevent/risc/event-type/identifier-changed',
];

async function tokenOf(
  origin: string,
  client: { id: string; secret: string },
  scope: string,
): Promise<string> {
  const response = await fetch(`${origin}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(client.id, client.secret),
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || typeof body.access_token !== 'string') {
    throw new Error(
      `${client.id} got no ${scope} token: ${response.status} ${JSON.stringify(body)}`,
    );
  }
  return body.access_token;
}

/** The receiver's push endpoint on loopback: counts the SETs it accepts. */
export class PushEndpoint {
  received = 0;
  url = '';
  private readonly server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.headers['content-type'] === 'application/secevent+jwt') this.received += 1;
      res.writeHead(202).end();
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/ssf`;
  }

  /** Resolves once `count` SETs were accepted in all; throws after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 120_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.received < count) {
      if (performance.now() > deadline) {
        throw new Error(`the receiver got ${this.received} SETs, ${count} expected`);
      }
      await sleep(20);
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Creates the receiver's push stream of every account; resolves to its stream_id. */
export async function createPushStream(
  origin: string,
  clients: SignalsClients,
  endpoint: PushEndpoint,
): Promise<string> {
  const token = await tokenOf(origin, clients.receiver, 'ssf');
  const response = await fetch(`${origin}/ssf/streams`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: endpoint.url },
      events_requested: EVENTS,
      description: 'bench',
    }),
  });
  const body = (await response.json()) as { stream_id?: string; events_delivered?: string[] };
  if (response.status !== 201 || typeof body.stream_id !== 'string') {
    throw new Error(`no stream: ${response.status} ${JSON.stringify(body)}`);
  }
  if (body.events_delivered?.length !== EVENTS.length) {
    throw new Error(`the stream delivers ${JSON.stringify(body.events_delivered)}`);
  }
  return body.stream_id;
}

export async function deleteStream(
  origin: string,
  clients: SignalsClients,
  streamId: string,
): Promise<void> {
  const token = await tokenOf(origin, clients.receiver, 'ssf');
  const response = await fetch(`${origin}/ssf/streams?stream_id=${encodeURIComponent(streamId)}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 204) throw new Error(`stream not deleted: ${response.status}`);
}

/**
 * Causes per lock-down and lift phase, at most: each account is made once with a password (a
 * scrypt hash each), and a phase of them lasts seconds already, its SETs pushed one at a time.
 */
export const CAUSES_PER_PHASE = 300;

/** The accounts the causes phases lock down and lift, made once through the admin API. */
export async function createAccounts(
  origin: string,
  clients: SignalsClients,
  n: number,
): Promise<string[]> {
  const token = await tokenOf(origin, clients.admin, 'admin:write');
  const run = randomBytes(3).toString('hex');
  return inBatches(n, 8, async (i) => {
    const username = `bench-ssf-${run}-${i}`;
    const response = await fetch(`${origin}/admin/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: randomBytes(12).toString('base64url') }),
    });
    if (response.status !== 201) {
      throw new Error(`user not created: ${response.status} ${await response.text()}`);
    }
    return username;
  });
}

/**
 * `PATCH /admin/v1/users/{username}` of each account to `status` (`If-Match: *`: the change names
 * no version), with a fresh admin:write token: each one cause, one SET per stream.
 */
export async function statusRequests(
  origin: string,
  clients: SignalsClients,
  usernames: readonly string[],
  status: 'disabled' | 'active',
): Promise<RequestSpec[]> {
  const token = await tokenOf(origin, clients.admin, 'admin:write');
  return usernames.map((username) => ({
    method: 'PATCH',
    path: `/admin/v1/users/${encodeURIComponent(username)}`,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'if-match': '*',
    },
    body: JSON.stringify({ status }),
  }));
}
