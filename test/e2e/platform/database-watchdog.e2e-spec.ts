/**
 * The database watchdog's way out of a stuck driver (src/platform/database/database-watchdog.ts):
 * the connection closed and opened again under a running app. The stuck monitor itself is a
 * driver race the fleet harness meets (test/e2e/platform/fleet.e2e-spec.ts); here the reconnect is forced,
 * and everything that reads or writes MongoDB must work across it: challenges, grants, rate
 * limits, sessions, the health probe.
 */
import request from 'supertest';
import { performance } from 'node:perf_hooks';
import { DatabaseWatchdog, HEARTBEAT_MS } from '../../../src/platform/database/database-watchdog';
import { exchangeCode, login, obtainCode, refresh, getMe } from '../../support/oauth';
import { useTestApp } from '../../support/use-test-app';

describe('the database watchdog reconnects a running app', () => {
  const t = useTestApp();

  it('serves logins, codes, refreshes and the probes after the connection is opened again', async () => {
    const agent = request.agent(t.app.getHttpServer());
    await login(agent);
    const before = await obtainCode(agent);
    const clientBefore = t.connection.getClient();

    const watchdog = t.app.get(DatabaseWatchdog);
    // Silent for longer than three heartbeats while the database answers: what a stuck monitor
    // looks like; the real reconnect runs.
    const start = performance.now();
    let reconnected = false;
    for (let at = start + 1000; at <= start + 4 * HEARTBEAT_MS && !reconnected; at += 1000) {
      reconnected = await watchdog.check(at, {
        fresh: () => Promise.resolve(true),
        current: () => Promise.resolve(false),
      });
    }
    expect(reconnected).toBe(true);
    expect(t.connection.getClient()).not.toBe(clientBefore);
    expect(t.connection.readyState).toBe(1);

    // A code issued before the reconnect is redeemed after it, once; the replay revokes its grant.
    const tokens = await exchangeCode(t.app.getHttpServer(), before.code, before.verifier);
    expect(tokens.status).toBe(200);
    const again = await exchangeCode(t.app.getHttpServer(), before.code, before.verifier);
    expect(again.status).toBe(400);
    const revoked = await refresh(t.app.getHttpServer(), tokens.body.refresh_token as string);
    expect([revoked.status, revoked.body.error]).toEqual([400, 'invalid_grant']);
    // A new code, its refresh and the protected API.
    const after = await obtainCode(agent);
    const fresh = await exchangeCode(t.app.getHttpServer(), after.code, after.verifier);
    expect(fresh.status).toBe(200);
    const rotated = await refresh(t.app.getHttpServer(), fresh.body.refresh_token as string);
    expect(rotated.status).toBe(200);
    const me = await getMe(t, rotated.body.access_token as string);
    expect(me.status).toBe(200);
    const nonce = await t
      .http()
      .post('/wallet/nonce')
      .send({ address: '0x' + '11'.repeat(20), chainId: 1 });
    expect(nonce.status).toBe(201);
    expect((await t.http().get('/health/ready')).status).toBe(200);
  });
});
