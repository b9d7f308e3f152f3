/**
 * examples/ssf-receiver.mjs, run as users run it (its own process) against the service on a real
 * port, in poll mode (RFC 8936): it takes a token as a receiver client, creates a stream, and
 * prints each Security Event Token it verified with jose against the JWKS; an operator's
 * lock-down of an account reaches it, a SET it cannot verify is refused (setErrs) without ending
 * it. Ctrl-C deletes its stream on the way out.
 */
import { join } from 'node:path';
import { UserAdministration } from '../../../src/admin/users/user-administration.service';
import { cliCall } from '../../../src/admin/io/cli-call';
import { SsfEventRepository } from '../../../src/signals/outbox/ssf-event.repository';
import { basic } from '../../support/oauth';
import { exitOf, startScript, waitFor } from '../../support/processes';
import { TestApp, startListeningApp } from '../../support/test-app';

const SCRIPT = join(__dirname, '..', '..', '..', 'examples', 'ssf-receiver.mjs');
const RECEIVER = { id: 'example-receiver', secret: 'example-receiver-secret-1234' };

describe('examples/ssf-receiver.mjs', () => {
  let t: TestApp;
  let issuer: string;

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp({
      // The example long-polls: short waits keep its Ctrl-C prompt.
      SSF_LONG_POLL_MS: '1000',
      OAUTH_CLIENTS: JSON.stringify([
        {
          client_id: RECEIVER.id,
          client_secret: RECEIVER.secret,
          grant_types: ['client_credentials'],
          ssf_receiver: true,
        },
      ]),
    }));
  });
  afterAll(() => t.close());

  async function streamsOfReceiver(): Promise<unknown[]> {
    const token = await t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basic(RECEIVER.id, RECEIVER.secret))
      .send({ grant_type: 'client_credentials', scope: 'ssf' })
      .expect(200);
    const listed = await t
      .http()
      .get('/ssf/streams')
      .set('Authorization', `Bearer ${(token.body as { access_token: string }).access_token}`)
      .expect(200);
    return listed.body as unknown[];
  }

  it("prints each SET it polled and verified (an operator's lock-down), and deletes its stream on Ctrl-C", async () => {
    const run = startScript(SCRIPT, [], {
      PROOFGATE_URL: issuer,
      SSF_RECEIVER_ID: RECEIVER.id,
      SSF_RECEIVER_SECRET: RECEIVER.secret,
    });
    try {
      const started = await waitFor(
        () => Promise.resolve(/^Stream (\S+): polling (\S+)$/m.exec(run.output.stdout)),
        (found) => found !== null || run.child.exitCode !== null,
        30_000,
      );
      if (!started) throw new Error(`no stream: ${run.output.stderr}`);
      expect(started[2]).toBe(`${issuer}/ssf/poll/${started[1]}`);
      expect(await streamsOfReceiver()).toEqual([
        expect.objectContaining({
          stream_id: started[1],
          description: 'examples/ssf-receiver.mjs',
        }),
      ]);

      // A SET naming another issuer (as a CLI run with another ISSUER once queued): refused by
      // RFC 8936 setErrs, and the receiver polls on.
      const now = new Date();
      const [foreign] = await t.app.get(SsfEventRepository, { strict: false }).enqueue(
        [
          {
            causeKey: 'example-foreign-issuer',
            streamId: started[1],
            receiver: RECEIVER.id,
            mode: 'poll',
            claims: { iss: 'http://localhost:25999', aud: RECEIVER.id, iat: 1, events: {} },
          },
        ],
        now,
        new Date(now.getTime() + 60_000),
      );
      await waitFor(
        () => Promise.resolve(run.output.stderr),
        (stderr) => stderr.includes(`Refused SET ${foreign}`),
        30_000,
      );

      // Its token expires (the service's clock past ACCESS_TOKEN_TTL_SECONDS, its own not): the
      // next poll is refused 401, and it takes a new token and polls on.
      t.clock.advance(t.config.tokens.accessTokenTtlSeconds + 1);
      await t.app.get(UserAdministration, { strict: false }).disable('user1', cliCall());
      const printed = await waitFor(
        () => Promise.resolve(run.output.stdout),
        (stdout) => stdout.includes('account-disabled'),
        30_000,
      );
      const payload = JSON.parse(printed.slice(printed.indexOf('{'))) as Record<string, unknown>;
      expect(payload).toMatchObject({
        iss: issuer,
        aud: RECEIVER.id,
        sub_id: { format: 'iss_sub', iss: issuer, sub: 'user1' },
        events: {
          'https://schemas.openid.net/secevent/risc/event-type/account-disabled': {
            event_timestamp: expect.any(Number),
          },
        },
      });

      run.child.kill('SIGINT');
      expect(await run.closed).toBe(0);
      expect(run.output.stderr).toBe(`Refused SET ${foreign}: unexpected "iss" claim value\n`);
      // Given up with the receiver's reason: no poll sends it again.
      const row = await t.connection
        .db!.collection('ssf_events')
        .findOne({ _id: foreign as never });
      expect(row).toMatchObject({
        status: 'failed',
        lastError: expect.stringMatching(/^invalid_issuer: /),
      });
      expect(await streamsOfReceiver()).toEqual([]);
    } finally {
      if (run.child.exitCode === null) {
        run.child.kill('SIGKILL');
        await exitOf(run.child);
      }
    }
  }, 60_000);
});
