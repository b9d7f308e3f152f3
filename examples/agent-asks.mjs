// An agent that asks a person for one exact permission while they are elsewhere (OpenID CIBA, poll
// mode, with an RFC 9396 authorization detail): "pay 12 EUR to X". It prints where the person
// approves and the message to compare, polls /token under `interval` and `slow_down`, then calls
// the example MCP server's `whoami` with the token, which answers with what the token allows.
//
//   npm run example:mcp                      # the API, in another terminal
//   node examples/agent-asks.mjs [--port N] [--mcp-port M] [--user <login_hint>] [--to <creditor>]
//
// --port N        Proofgate at http://localhost:N (else PROOFGATE_URL, default http://localhost:25000)
// --mcp-port M    the MCP server at http://localhost:M/mcp (else MCP_SERVER_URL, default
//                 http://localhost:25004/mcp)
// --user HINT     whom to ask: a username, a wallet's CAIP-10 account (eip155:1:0x...) or a subject.
//                 They approve on /account/approvals with a passkey or a wallet: the request carries
//                 authorization details, so a click is refused (403 proof_required). The seeded user0
//                 has only a password: sign in as user0 and add a passkey on /account first.
//                 Without --user, the example is the person too: a wallet of its own (a fresh key)
//                 signs in on the login page, is asked, and approves with an EIP-712 signature over
//                 the request, as the approvals page's wallet button does.
// --to CREDITOR   whom to pay (default X)
//
// The agent is the seeded demo-agent (private_key_jwt with its published demo key), registered for
// the CIBA grant; the payment type is AUTHORIZATION_DETAILS_TYPES' (outside production, unset, the
// demo `payment_initiation`).

import { randomInt, randomUUID } from 'node:crypto';
import { SignJWT, importJWK } from 'jose';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';
const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** demo-agent's key: a demo key, published like demo-secret. Never use it for a real client. */
const DEMO_AGENT = {
  id: 'demo-agent',
  privateJwk: {
    kty: 'EC',
    crv: 'P-256',
    kid: 'demo-agent-1',
    x: 'Mmyx6zj42ELI3st5I0XOOgwObeFwEo_Ba7v_MFnd3x4',
    y: 'oh-OW8TzCXvoSj25n27oeB-mzYEltYCSv40EG_f-MJM',
    d: 'o7UIALlmjNE6odum4WdOrzzTjCUvxC-qGJWD3LxcCQc',
  },
};

/** The value of `--name N` or `--name=N`, if given. */
function flag(name) {
  const argv = process.argv.slice(2);
  const at = argv.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (at < 0) return undefined;
  const value = argv[at].includes('=') ? argv[at].slice(name.length + 1) : argv[at + 1];
  if (!value) usage(`${name} needs a value`);
  return value;
}

function usage(problem) {
  console.error(
    `${problem}\nUsage: node examples/agent-asks.mjs [--port N] [--mcp-port M] [--user <login_hint>] [--to <creditor>]`,
  );
  process.exit(2);
}

/** `value` as a port number, or the usage. */
function port(name, value) {
  if (!/^[1-9][0-9]{0,4}$/.test(value) || Number(value) > 65535) {
    usage(`${name} needs a port number, got ${value}`);
  }
  return value;
}

const proofgatePort = flag('--port');
const base = proofgatePort
  ? `http://localhost:${port('--port', proofgatePort)}`
  : (process.env.PROOFGATE_URL ?? 'http://localhost:25000');
const mcpUrl = new URL(process.env.MCP_SERVER_URL ?? 'http://localhost:25004/mcp');
const mcpPort = flag('--mcp-port');
if (mcpPort) mcpUrl.port = port('--mcp-port', mcpPort);
const askedUser = flag('--user');
const creditor = flag('--to') ?? 'X';

/**
 * fetch, or one line on how to start a Proofgate when none answers. With `cookies` (a browser's
 * jar), they are sent and what the answer sets is kept; redirects are not followed.
 */
async function send(path, init = {}, cookies = undefined) {
  const headers = new Headers(init.headers);
  if (cookies?.size) {
    headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
  }
  let response;
  try {
    response = await fetch(new URL(path, base), { ...init, headers, redirect: 'manual' });
  } catch (error) {
    console.error(
      `No Proofgate answers at ${base} (${error.cause?.code ?? error.cause?.message ?? error.message}): start one with \`npm start\`, or give --port or PROOFGATE_URL.`,
    );
    process.exit(1);
  }
  for (const line of cookies ? response.headers.getSetCookie() : []) {
    const pair = line.split(';')[0];
    const eq = pair.indexOf('=');
    if (eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  const type = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    json: type.includes('json') ? await response.json() : undefined,
    text: type.includes('json') ? '' : await response.text(),
  };
}

/** Ends the process with the error envelope of a refused request (or the status of a page). */
function fail(path, { status, json }) {
  console.error(
    json ? `${path}: ${status} ${json.error}: ${json.error_description}` : `${path}: ${status}`,
  );
  process.exit(1);
}

const metadata = await send('/.well-known/oauth-authorization-server');
if (metadata.status !== 200) fail('/.well-known/oauth-authorization-server', metadata);
const { issuer } = metadata.json;
const key = await importJWK(DEMO_AGENT.privateJwk, 'ES256');

/**
 * The person, when no --user names one: a wallet of the example's own, in a browser of its own
 * (a cookie jar), that approves as the approvals page's wallet button does. The proof the request
 * needs (a signature over it) is made here; nothing lets a click stand in for it.
 */
function walletPerson() {
  const wallet = privateKeyToAccount(generatePrivateKey());
  const cookies = new Map();
  const json = (body) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const proof = { method: 'eip155', address: wallet.address, chainId: 1 };
  const account = `eip155:1:${wallet.address}`;
  return {
    account,
    /** Sign in with Ethereum on the login page (EIP-4361): an account for the wallet. */
    async signIn() {
      const page = await send('/login', { headers: { accept: 'text/html' } }, cookies);
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1];
      if (page.status !== 200 || !csrf) fail('GET /login (no csrf_token)', page);
      const issued = await send(
        '/wallet/nonce',
        json({ address: wallet.address, chainId: 1 }),
        cookies,
      );
      if (issued.status !== 201) fail('/wallet/nonce', issued);
      const { message } = issued.json;
      const signature = await wallet.signMessage({ message });
      const signedIn = await send(
        '/login/siwe',
        json({ message, signature, csrf_token: csrf, return_to: '/' }),
        cookies,
      );
      if (signedIn.status !== 200) fail('/login/siwe', signedIn);
    },
    /** On /account/approvals: the request shown with `message`, approved by an EIP-712 signature. */
    async approve(message) {
      const page = await send(
        '/account/approvals',
        { headers: { accept: 'application/json' } },
        cookies,
      );
      if (page.status !== 200) fail('/account/approvals', page);
      const { approvals, csrf_token } = page.json;
      const pending = approvals.find((approval) => approval.binding_message === message);
      if (!pending)
        fail('/account/approvals', {
          status: 404,
          json: { error: 'not_found', error_description: `no request shows ${message}` },
        });
      const path = `/account/approvals/${pending.id}`;
      const challenge = await send(`${path}/challenge`, json({ csrf_token, ...proof }), cookies);
      if (challenge.status !== 200) fail(`${path}/challenge`, challenge);
      const signature = await wallet.signTypedData(challenge.json.typed_data);
      const approved = await send(
        `${path}/approve`,
        json({ csrf_token, ...proof, signature }),
        cookies,
      );
      if (approved.status !== 200) fail(`${path}/approve`, approved);
      console.log(`Approved as ${account}: ${pending.rendered.join('; ')}, signed (EIP-712)`);
    },
  };
}

const person = askedUser === undefined ? walletPerson() : undefined;
if (person) {
  console.log(`No --user: the example is the person too, a wallet of its own (${person.account})`);
  await person.signIn();
}
const loginHint = askedUser ?? person.account;

/** A form POST authenticated as the agent: a fresh client assertion (RFC 7523 §2.2) each time. */
async function asAgent(path, fields) {
  const assertion = await new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid: DEMO_AGENT.privateJwk.kid })
    .setIssuer(DEMO_AGENT.id)
    .setSubject(DEMO_AGENT.id)
    .setAudience(issuer)
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(key);
  return send(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      ...fields,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
    }),
  });
}

// 1. Ask (CIBA Core 1.0 §7): exactly this payment, for the MCP server (RFC 8707), with a message
//    the person compares with the one printed here.
const payment = { type: 'payment_initiation', amount: '12.00', currency: 'EUR', creditor };
const bindingMessage = `Pay 12 EUR to ${creditor.slice(0, 30)} #${randomInt(1000, 10000)}`;
const asked = await asAgent('/backchannel', {
  scope: 'openid',
  resource: mcpUrl.href,
  login_hint: loginHint,
  binding_message: bindingMessage,
  authorization_details: JSON.stringify([payment]),
});
if (asked.status !== 200) fail('/backchannel', asked);
const { auth_req_id: authReqId, expires_in: expiresIn } = asked.json;

// 2. Where the person approves, and what they check there.
console.log(
  `Asked ${loginHint} to approve: pay ${payment.amount} ${payment.currency} to ${creditor}`,
);
console.log(
  `Approve at ${issuer}/account/approvals (signed in as ${loginHint}, with a passkey or a wallet)`,
);
console.log(`and check that the page shows this message: ${bindingMessage}`);
if (person) {
  await person.approve(bindingMessage);
} else {
  // The request carries authorization details: approving takes a proof, never a click.
  console.log(
    'A click there is refused (403 proof_required): approve with a passkey or a wallet of the account. ' +
      'An account with only a password (the seeded user0) adds a passkey on /account first.',
  );
}

// 3. Poll, never sooner than `interval` seconds, 5 more after each slow_down (CIBA Core 1.0 §11).
let interval = asked.json.interval;
const deadline = Date.now() + expiresIn * 1000;
let tokens;
while (!tokens) {
  await new Promise((resolve) => setTimeout(resolve, interval * 1000));
  if (Date.now() > deadline) {
    console.error('The request expired before it was approved; run again.');
    process.exit(1);
  }
  const polled = await asAgent('/token', { grant_type: CIBA_GRANT, auth_req_id: authReqId });
  if (polled.status === 200) tokens = polled.json;
  else if (polled.json.error === 'slow_down') interval += 5;
  else if (polled.json.error !== 'authorization_pending') fail('/token', polled);
}
console.log(`Approved: ${JSON.stringify({ authorization_details: tokens.authorization_details })}`);

// 4. The API, with the token: the MCP server's whoami answers what the token allows.
const client = new Client({ name: 'proofgate-example-agent-asks', version: '1.0.0' });
const transport = new StreamableHTTPClientTransport(mcpUrl, {
  requestInit: { headers: { authorization: `Bearer ${tokens.access_token}` } },
});
try {
  await client.connect(transport);
  const result = await client.callTool({ name: 'whoami', arguments: {} });
  console.log(`whoami: ${result.content[0].text}`);
} catch (error) {
  console.error(
    `The MCP server at ${mcpUrl.href}: ${error.message} (is \`npm run example:mcp\` running?)`,
  );
  process.exit(1);
} finally {
  await client.close();
}
