/**
 * The CIBA outbox as specs of where its notifications may go drive it: a receiver that counts
 * the connections made to it, the poller's first attempt at a row, and an answered request whose
 * ping goes to an endpoint of the test's choosing (sealed as the service seals one).
 */
import type { INestApplicationContext } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { once } from 'node:events';
import {
  type RequestListener,
  type Server as HttpServer,
  createServer as createHttpServer,
} from 'node:http';
import { type Server as HttpsServer, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Model } from 'mongoose';
import type { StoredChallenge } from '../../src/challenges/challenge';
import type { CibaRequestPayload } from '../../src/oauth/ciba/ciba-request';
import { CibaNotifications } from '../../src/oauth/ciba/notifications/ciba-notifications';
import { CibaNotificationAttempted } from '../../src/oauth/ciba/notifications/ciba-notifications.events';
import type { CibaNotificationKind } from '../../src/oauth/ciba/notifications/ciba-notification';
import type { CibaNotificationRecord } from '../../src/oauth/ciba/notifications/persistence/ciba-notification.schema';
import { eventually } from './smtp-server';
import { selfSignedCertificate } from './self-signed-certificate';

/** A production instance's settings, quiet: where the outbox's address rules are strictest. */
export const PRODUCTION = {
  NODE_ENV: 'production',
  KEY_ENCRYPTION_SECRET: 'k'.repeat(40),
  ISSUER: 'https://auth.example.test',
  LOG_LEVEL: 'silent',
};

/** A server on 127.0.0.1 that counts the connections made to it. */
export interface CountingReceiver {
  readonly server: HttpServer | HttpsServer;
  readonly port: number;
  /** `https://127.0.0.1:<port>` (`http://` for a plain one). */
  readonly origin: string;
  connections(): number;
  close(): Promise<void>;
}

/**
 * A receiver on 127.0.0.1: https with a certificate the service does not trust (what is asserted
 * is whether the service connected at all: the SSRF guard refuses before connecting), or plain
 * http answering each request as `answer` does (204 by default).
 */
export async function startReceiver(
  tls: boolean = true,
  answer: RequestListener = (_req, res) => res.writeHead(204).end(),
): Promise<CountingReceiver> {
  let connections = 0;
  const server = tls
    ? createHttpsServer(selfSignedCertificate(['127.0.0.1']), (_req, res) => res.end())
    : createHttpServer(answer);
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Runs `queue` and waits for the poller's first attempt at the row of `kind` it queues: how it
 * ended (`delivered`, `retrying`, `dead`).
 */
export async function firstAttempt(
  app: INestApplicationContext,
  kind: string,
  queue: () => Promise<void>,
): Promise<string> {
  const events = app.get(EventEmitter2);
  const attempted = new Promise<string>((resolve) => {
    const listener = (event: CibaNotificationAttempted) => {
      if (event.kind !== kind) return;
      events.off(CibaNotificationAttempted.type, listener);
      resolve(event.outcome);
    };
    events.on(CibaNotificationAttempted.type, listener);
  });
  await queue();
  return attempted;
}

/**
 * The outbox row of `clientId`'s notification of `kind` once its `attempts`th attempt has settled
 * (delivered, given up, or its retry scheduled: `leaseUntil` is then its next attempt's time):
 * what a spec waits on when other rows are attempted beside it.
 */
export function settledAttempt(
  rows: Model<CibaNotificationRecord>,
  clientId: string,
  kind: CibaNotificationKind,
  attempts: number,
): Promise<CibaNotificationRecord> {
  return eventually(async () => {
    const row = await rows.findOne({ clientId, kind }).lean().exec();
    if (row === null || row.attempts < attempts) return undefined;
    const retrying = row.nextAttemptAt.getTime() === row.leaseUntil.getTime();
    return row.status !== 'pending' || retrying ? row : undefined;
  }, `attempt ${attempts} of ${clientId}'s ${kind}`);
}

/**
 * An answered request of `clientId` whose ping goes to `endpoint`, sealed as the service seals a
 * ping client's: what `CibaNotifications.answered` queues once the person answered.
 */
export function answeredRequest(
  app: INestApplicationContext,
  clientId: string,
  endpoint: string,
): StoredChallenge<CibaRequestPayload> {
  const ping = app
    .get(CibaNotifications)
    .seal.sealPing(
      { endpoint, clientNotificationToken: 'n'.repeat(40), authReqId: 'a'.repeat(43) },
      clientId,
    );
  return {
    binding: { client_id: clientId },
    payload: { ping },
    expiresAt: new Date(Date.now() + 300_000),
  } as unknown as StoredChallenge<CibaRequestPayload>;
}
