// The SPA: authorization code + PKCE against Proofgate with oauth4webapi, no build step.
// Configuration comes from the server that serves the page (serve.mjs: /config.json).
import * as oauth from './oauth4webapi.js';

// Only what survives the redirect to Proofgate and back: the PKCE verifier and the state, in
// sessionStorage (this tab only), removed as soon as the callback reads them; for a step-up
// sign-in also what the resource asked for, so that its second refusal is shown, not followed.
const PENDING = 'proofgate-spa-pending';

const $ = (id) => document.getElementById(id);

function fail(message) {
  $('status').textContent = message;
  $('status').className = 'error';
}

async function main() {
  const config = await (await fetch('/config.json')).json();
  const issuer = new URL(config.issuer);
  // oauth4webapi refuses http:// unless told; a local Proofgate is plain http.
  const options = issuer.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
  const client = { client_id: config.client_id };
  $('issuer').textContent = issuer.origin;
  $('client-id').textContent = client.client_id;

  // RFC 8414 discovery (Proofgate answers it to any origin).
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...options }),
  );

  if (location.pathname === '/callback') {
    await finishSignIn(as, client, config, options);
    return;
  }
  $('status').textContent = 'Signed out.';
  $('sign-in').disabled = false;
  $('sign-in').addEventListener('click', () => void startSignIn(as, client, config));
}

/**
 * To /authorize. `stepUp`: what a resource's RFC 9470 challenge asked for (`acr_values`, and
 * `max_age` when it named one), sent as OpenID Connect Core §3.1.2.1's parameters of the same names.
 */
async function startSignIn(as, client, config, stepUp) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, stepUp }));
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    redirect_uri: config.redirect_uri,
    response_type: 'code',
    scope: config.scope,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...stepUp,
  }).toString();
  location.assign(url.href);
}

/**
 * RFC 9470 §3: the resource's `insufficient_user_authentication` challenge, if that is why it
 * refused the token: `{ acr_values, max_age? }` to authorize again with; otherwise undefined.
 */
function stepUpAsked(error) {
  if (!(error instanceof oauth.WWWAuthenticateChallengeError)) return undefined;
  const challenge = error.cause.find(
    (c) => c.scheme === 'bearer' && c.parameters.error === 'insufficient_user_authentication',
  );
  if (!challenge) return undefined;
  const { acr_values: acrValues, max_age: maxAge } = challenge.parameters;
  if (!acrValues && maxAge === undefined) return undefined;
  return {
    ...(acrValues ? { acr_values: acrValues } : {}),
    ...(maxAge !== undefined ? { max_age: maxAge } : {}),
  };
}

async function finishSignIn(as, client, config, options) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null');
  sessionStorage.removeItem(PENDING);
  const callback = new URL(location.href);
  // The code is single-use and short-lived, but keep it out of the history all the same.
  history.replaceState(null, '', '/');
  if (!pending) {
    fail('No sign-in was pending in this tab: start again.');
    return;
  }
  // Checks state and, since Proofgate's metadata says it sends one, iss (RFC 9207); an error
  // answer (the user refused, or could not sign in as asked) throws, and is shown.
  let params;
  try {
    params = oauth.validateAuthResponse(as, client, callback, pending.state);
  } catch (error) {
    if (!(error instanceof oauth.AuthorizationResponseError)) throw error;
    const { error: code, error_description: description } = error;
    fail(
      `${pending.stepUp ? 'Step-up' : 'Sign-in'} refused: ${code}${description ? `: ${description}` : ''}`,
    );
    return;
  }
  // POST /token from this origin: Proofgate allows the origins of registered redirect URIs (CORS).
  const tokens = await oauth.processAuthorizationCodeResponse(
    as,
    client,
    await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      params,
      config.redirect_uri,
      pending.verifier,
      options,
    ),
  );
  let response;
  try {
    response = await oauth.protectedResourceRequest(
      tokens.access_token,
      'GET',
      new URL(config.api),
      undefined,
      undefined,
      options,
    );
  } catch (error) {
    const stepUp = stepUpAsked(error);
    if (!stepUp) throw error;
    // A step-up's tokens refused again: say so, never authorize again in a loop.
    if (pending.stepUp) {
      fail(
        `${config.api} still asks for a stronger sign-in (${new URLSearchParams(stepUp)}) after the step-up.`,
      );
      return;
    }
    // RFC 9470 §4: authorize again with what the challenge asked for; the call is retried once,
    // with the new tokens, when the browser comes back to /callback.
    $('status').textContent =
      `${config.api} asks for a stronger sign-in (${new URLSearchParams(stepUp)}): stepping up…`;
    await startSignIn(as, client, config, stepUp);
    return;
  }
  const me = await response.json();
  if (!response.ok) {
    fail(`${config.api} answered ${response.status}: ${me.error_description ?? me.error}`);
    return;
  }
  $('sub').textContent = me.sub;
  $('api').textContent = `GET ${config.api}`;
  $('me').textContent = JSON.stringify(me, null, 2);
  $('signed-in').hidden = false;
  $('status').textContent = pending.stepUp
    ? `Signed in, stepped up (${new URLSearchParams(pending.stepUp)}).`
    : 'Signed in.';
}

main().catch((error) => fail(`Sign-in failed: ${error.message}`));
