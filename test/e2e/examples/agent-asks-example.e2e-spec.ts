/**
 * examples/agent-asks.mjs, run as users run it (its own process) against the service on a real
 * port (`--port N`) and the example MCP server (`--mcp-port M`): the seeded demo-agent asks a
 * wallet person to pay 12 EUR to X (CIBA, poll mode, an RFC 9396 payment_initiation); the person,
 * signed in with that wallet, approves with an EIP-712 signature over the request on
 * /account/approvals; the example polls, then calls `whoami` with the token, which answers with the
 * token's authorization details and how they were approved.
 */
import { join } from 'node:path';
import request from 'supertest';
import { type PrivateKeyAccount, generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { startMcpServer, type RunningMcpServer } from '../../../examples/mcp-server/mcp-server';
import { freePort, startScript } from '../../support/processes';
import { TestApp, startListeningApp } from '../../support/test-app';
import { walletBrowser } from '../../support/wallet-login';

const SCRIPT = join(__dirname, '..', '..', '..', 'examples', 'agent-asks.mjs');
const PAY_12_TO_X = { type: 'payment_initiation', amount: '12.00', currency: 'EUR', creditor: 'X' };

type Agent = ReturnType<typeof request.agent>;
type TypedData = Parameters<PrivateKeyAccount['signTypedData']>[0];

function runExample(args: string[]) {
  return startScript(SCRIPT, args);
}

/** The example's whoami line: the token of `account`, for 12 EUR to X, approved by a wallet. */
function expectPaidByWallet(stdout: string, account: string) {
  const whoami = JSON.parse(/^whoami: (.*)$/m.exec(stdout)![1]) as unknown;
  expect(whoami).toEqual({
    sub: account,
    client_id: 'demo-agent',
    scope: 'openid',
    authorization_details: [PAY_12_TO_X],
    approval: { method: 'eip155', hash: expect.any(String), time: expect.any(Number) },
  });
}

describe('examples/agent-asks.mjs', () => {
  let t: TestApp;
  let issuer: string;
  let mcp: RunningMcpServer;
  let mcpPort: number;

  beforeAll(async () => {
    // The demo payment type (AUTHORIZATION_DETAILS_TYPES unset outside production); polls every
    // second, so the run takes seconds.
    ({ t, issuer } = await startListeningApp({ CIBA_INTERVAL_SECONDS: '1' }, 'localhost'));
    mcpPort = await freePort();
    // The seeded demo-agent may ask for its MCP resource on any port outside production.
    mcp = await startMcpServer({
      issuer,
      port: mcpPort,
      resource: `http://localhost:${mcpPort}/mcp`,
    });
  });
  afterAll(async () => {
    await mcp?.close();
    await t?.close();
  });

  /** The person's answer through the approvals API: an EIP-712 signature over the request. */
  async function approveWithWallet(browser: Agent, wallet: PrivateKeyAccount, message: string) {
    const page = await browser.get('/account/approvals').set('Accept', 'application/json');
    const { approvals, csrf_token } = page.body as {
      approvals: { id: string; binding_message?: string; rendered: string[] }[];
      csrf_token: string;
    };
    const approval = approvals.find((pending) => pending.binding_message === message);
    expect(approval).toMatchObject({ rendered: ['Pay 12.00 EUR to X'] });
    const proof = { method: 'eip155', address: wallet.address, chainId: 1 };
    const challenge = await browser
      .post(`/account/approvals/${approval!.id}/challenge`)
      .set('Accept', 'application/json')
      .send({ csrf_token, ...proof })
      .expect(200);
    const signature = await wallet.signTypedData(
      (challenge.body as { typed_data: TypedData }).typed_data,
    );
    await browser
      .post(`/account/approvals/${approval!.id}/approve`)
      .set('Accept', 'application/json')
      .send({ csrf_token, ...proof, signature })
      .expect(200);
  }

  it('asks a wallet person for 12 EUR to X, prints where to approve, polls, and calls whoami with the details', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const person = await walletBrowser(t, wallet);
    const account = `eip155:1:${wallet.address}`;
    const port = new URL(issuer).port;
    const { child, output, closed } = runExample([
      '--port',
      port,
      '--mcp-port',
      String(mcpPort),
      '--user',
      account,
    ]);
    const shown = await new Promise<RegExpExecArray>((resolve, reject) => {
      const look = () => {
        const found = /^Approve at (\S+) [\s\S]*this message: (.+)\n/m.exec(output.stdout);
        if (found) resolve(found);
      };
      child.stdout.on('data', look);
      void closed.then(() => reject(new Error(`exited early: ${output.stderr}`)));
    });
    const [, link, bindingMessage] = shown;
    expect(link).toBe(`${issuer}/account/approvals`);
    expect(bindingMessage).toMatch(/^Pay 12 EUR to X #\d{4}$/);

    await approveWithWallet(person, wallet, bindingMessage);

    expect(await closed).toBe(0);
    expect(output.stderr).toBe('');
    expect(output.stdout).toContain(`Asked ${account} to approve: pay 12.00 EUR to X\n`);
    // Exactly how a person approves: a click is refused, user0 needs a passkey first.
    expect(output.stdout).toContain(
      'A click there is refused (403 proof_required): approve with a passkey or a wallet of the ' +
        'account. An account with only a password (the seeded user0) adds a passkey on /account first.\n',
    );
    expectPaidByWallet(output.stdout, account);
  }, 60_000);

  it('without --user, is the person too: its own wallet signs in, is asked, and approves with an EIP-712 signature', async () => {
    const port = new URL(issuer).port;
    const { closed, output } = runExample(['--port', port, '--mcp-port', String(mcpPort)]);
    expect({ code: await closed, stderr: output.stderr }).toEqual({ code: 0, stderr: '' });
    const account =
      /^No --user: the example is the person too, a wallet of its own \((eip155:1:0x[0-9a-fA-F]{40})\)$/m.exec(
        output.stdout,
      )![1];
    expect(output.stdout).toContain(`Asked ${account} to approve: pay 12.00 EUR to X\n`);
    expect(output.stdout).toContain(
      `Approved as ${account}: Pay 12.00 EUR to X, signed (EIP-712)\n`,
    );
    expectPaidByWallet(output.stdout, account);
  }, 60_000);

  it('refuses a port that is no number, in one line', async () => {
    const run = runExample(['--port', 'x']);
    expect(await run.closed).toBe(2);
    expect(run.output.stderr.split('\n')[0]).toBe('--port needs a port number, got x');
  });
});
