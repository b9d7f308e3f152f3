// Sign in from a command line with the device authorization grant (RFC 8628), as a CLI, a TV or
// an agent without a browser would: ask for a device code and a user code, show the user where
// to go and which code to check, poll /token until they confirm on their phone or laptop (with a
// password, a wallet or a passkey), then call the protected API.
//
//   node examples/device-login.mjs                 # registers a public client for the grant
//   DEVICE_CLIENT_ID=<id> PROOFGATE_URL=http://localhost:25000 node examples/device-login.mjs
//
// In a terminal it also prints the URL as a QR code to scan with a phone (RFC 8628 §3.3.1);
// `--qr` prints it when the output goes to a pipe or a log too.

import QRCode from 'qrcode';

const base = process.env.PROOFGATE_URL ?? 'http://localhost:25000';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** fetch, or one line on how to start a Proofgate when none answers. */
async function call(path, init) {
  try {
    return await fetch(new URL(path, base), init);
  } catch (error) {
    console.error(
      `No Proofgate answers at ${base} (${error.cause?.code ?? error.cause?.message ?? error.message}): start one with \`npm start\`, or set PROOFGATE_URL.`,
    );
    process.exit(1);
  }
}

/** The answer's JSON and status. */
async function send(path, init) {
  const response = await call(path, init);
  return { status: response.status, json: await response.json() };
}

/** Ends the process with the error envelope of a refused request. */
function fail(path, { status, json }) {
  console.error(`${path}: ${status} ${json.error}: ${json.error_description}`);
  process.exit(1);
}

/** A form POST (the OAuth endpoints take application/x-www-form-urlencoded). */
function form(fields) {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  };
}

// 0. A public client registered for the device grant (RFC 7591), unless DEVICE_CLIENT_ID names one.
let clientId = process.env.DEVICE_CLIENT_ID;
if (!clientId) {
  const registered = await send('/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Device login example CLI',
      redirect_uris: ['http://127.0.0.1:7300/callback'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', DEVICE_GRANT],
    }),
  });
  if (registered.status !== 201) fail('/register', registered);
  clientId = registered.json.client_id;
}

// 1. The device and user codes (RFC 8628 §3.1-3.2).
const started = await send(
  '/device_authorization',
  form({ client_id: clientId, scope: process.env.DEVICE_SCOPE ?? 'openid profile api' }),
);
if (started.status !== 200) fail('/device_authorization', started);
const authorization = started.json;

// 2. Where the user goes, and the code they check there (RFC 8628 §3.3).
console.log(`Open ${authorization.verification_uri_complete}`);
console.log(`(or ${authorization.verification_uri} and type the code), sign in, and check that`);
console.log(`the page shows this code: ${authorization.user_code}`);
if (process.stdout.isTTY || process.argv.includes('--qr')) {
  // Dark modules on a light background whatever the terminal's theme (ANSI colours).
  console.log(
    await QRCode.toString(authorization.verification_uri_complete, {
      type: 'terminal',
      small: true,
    }),
  );
}

// 3. Poll, never sooner than `interval` seconds, 5 more after each slow_down (RFC 8628 §3.5).
let interval = authorization.interval;
const deadline = Date.now() + authorization.expires_in * 1000;
let tokens;
while (!tokens) {
  if (Date.now() > deadline) {
    console.error('The code expired before it was confirmed; run again.');
    process.exit(1);
  }
  const polled = await send(
    '/token',
    form({ grant_type: DEVICE_GRANT, device_code: authorization.device_code, client_id: clientId }),
  );
  if (polled.status === 200) {
    tokens = polled.json;
  } else if (polled.json.error === 'authorization_pending') {
    await new Promise((resolve) => setTimeout(resolve, interval * 1000));
  } else if (polled.json.error === 'slow_down') {
    interval += 5;
    await new Promise((resolve) => setTimeout(resolve, interval * 1000));
  } else {
    fail('/token', polled);
  }
}
console.log(JSON.stringify({ client_id: clientId, tokens }, null, 2));

// 4. The access token at the protected API.
const me = await call('/api/me', { headers: { authorization: `Bearer ${tokens.access_token}` } });
console.log(JSON.stringify(await me.json(), null, 2));
if (!me.ok) process.exit(1);
