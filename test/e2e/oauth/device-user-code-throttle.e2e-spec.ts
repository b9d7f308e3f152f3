/**
 * RFC 8628 §5.1, the user code throttle at /device, as guessers and neighbours meet it: every
 * code submitted counts before it is looked up, against the signed-in account's own budget and
 * against its network's (an IPv4 /24, an IPv6 /64). Nothing counts per code, so no other address
 * (behind the same NAT or anywhere else) can lock a code's own user out of it.
 */
import request from 'supertest';
import { type Agent, login } from '../../support/oauth';
import { hiddenField } from '../../support/login-form';
import { register } from '../../support/registration';
import { walletBrowser } from '../../support/wallet-login';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { useTestApp } from '../../support/use-test-app';
import { placeInWindow } from '../../support/rate-limit-window';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** USER_CODE_TRIES_PER_ACCOUNT and USER_CODE_TRIES_PER_NETWORK (device.rate-limits.ts). */
const PER_ACCOUNT = 20;
const PER_NETWORK = 60;

describe('the device user code throttle: per account and per network, never per code', () => {
  let clientId: string;

  const t = useTestApp({ TRUST_PROXY: 'loopback', RATE_LIMIT_LOGIN_PER_IP: '100000' });
  beforeAll(async () => {
    const registered = await register(t, {
      client_name: 'Device CLI',
      redirect_uris: ['http://127.0.0.1:7300/cb'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', DEVICE_GRANT],
    }).expect(201);
    clientId = (registered.body as { client_id: string }).client_id;
  });
  // Each test in a 10-minute window of its own.
  beforeEach(() => placeInWindow([t], 0, true, 600));

  async function userCode(): Promise<string> {
    const res = await t
      .http()
      .post('/device_authorization')
      .type('form')
      .send({ client_id: clientId, scope: 'api' })
      .expect(200);
    return (res.body as { user_code: string }).user_code;
  }

  /** A browser at `address` (X-Forwarded-For through the trusted loopback proxy), signed in. */
  async function browserAt(address: string, username: string, password: string): Promise<Agent> {
    const browser = request.agent(t.app.getHttpServer()).set('X-Forwarded-For', address);
    await login(browser, '/', username, password);
    return browser;
  }

  async function submit(browser: Agent, code: string, action: 'lookup' | 'approve' = 'lookup') {
    const form = await browser.get('/device').expect(200);
    return browser
      .post('/device')
      .type('form')
      .send({ user_code: code, action, csrf_token: hiddenField(form.text, 'csrf_token') });
  }

  const wrongCode = (i: number) =>
    `BCDF-${'BCDFGHJKLMNPQRSTVWXZ'[Math.floor(i / 20) % 20]}${'BCDFGHJKLMNPQRSTVWXZ'[i % 20]}GH`;

  it('an account gets its budget, then 429 before the lookup, even for the right code', async () => {
    const code = await userCode();
    const guesser = await browserAt('198.51.100.7', 'user1', 'password1');
    for (let i = 0; i < PER_ACCOUNT; i++) {
      expect((await submit(guesser, wrongCode(i))).status).toBe(400);
    }
    const refused = await submit(guesser, code);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'too_many_requests' });
  });

  it('another address that knows the code cannot lock its user out of it', async () => {
    const code = await userCode();
    const other = await browserAt('203.0.113.50', 'user1', 'password1');
    for (let i = 0; i < PER_ACCOUNT + 3; i++) await submit(other, code);
    const owner = await browserAt('198.51.100.7', 'user0', 'password0');
    expect((await submit(owner, code)).status).toBe(200);
    const done = await submit(owner, code, 'approve');
    expect(done.status).toBe(200);
    expect(done.text).toContain('data-decision="approve"');
  });

  it('a guesser behind the same NAT spends its own account, not its neighbour’s', async () => {
    const nat = '198.51.100.20';
    const guesser = await browserAt(nat, 'user1', 'password1');
    for (let i = 0; i < PER_ACCOUNT + 2; i++) await submit(guesser, wrongCode(i));
    expect((await submit(guesser, wrongCode(99))).status).toBe(429);

    const code = await userCode();
    const neighbour = await browserAt(nat, 'user0', 'password0');
    expect((await submit(neighbour, code)).status).toBe(200);
    expect((await submit(neighbour, code, 'approve')).status).toBe(200);
  });

  it('counts an IPv4 network by its /24: its addresses and accounts together get the network budget', async () => {
    // Three accounts (fresh wallets), each from an address of its own in 192.0.2.0/24, each
    // within its own budget: together they spend the network's.
    let spent = 0;
    for (const n of [10, 11, 12]) {
      const browser = (await walletBrowser(t, privateKeyToAccount(generatePrivateKey()))).set(
        'X-Forwarded-For',
        `192.0.2.${n}`,
      );
      for (let i = 0; i < PER_ACCOUNT; i++, spent++) {
        expect((await submit(browser, wrongCode(spent))).status).toBe(400);
      }
    }
    expect(spent).toBe(PER_NETWORK);
    const code = await userCode();
    // Another account at another address of the same /24: the network's budget is spent.
    expect((await submit(await browserAt('192.0.2.200', 'user0', 'password0'), code)).status).toBe(
      429,
    );
    // The next /24 is another network.
    expect((await submit(await browserAt('192.0.3.200', 'user0', 'password0'), code)).status).toBe(
      200,
    );
  });
});
