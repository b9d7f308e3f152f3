/**
 * The person's side of CIBA through its JSON API, as a signed-in browser (supertest agent) drives
 * it: the pending requests of GET /account/approvals, and a post with the page's CSRF token.
 */
import request from 'supertest';
import type { PrivateKeyAccount } from 'viem/accounts';
import type { SoftwareAuthenticator } from '../../src/lab-client/software-authenticator';
import { CIBA_GRANT_TYPE } from '../../src/protocol-rules/grant-types';
import { PAYMENT_INITIATION } from './authorization-details';
import { backchannelRequest, cibaTokenRequest } from './ciba';
import { type Agent, login } from './oauth';
import { addOperatorClient } from './operator-clients';
import { addPasskeyOnAccountPage } from './step-up';
import { type TestApp, startListeningApp } from './test-app';
import { walletBrowser } from './wallet-login';

/** One pending request as GET /account/approvals answers it. */
export interface PendingApproval {
  id: string;
  client_id?: string;
  binding_message?: string;
  authorization_details?: object[];
  rendered: string[];
  required_acr?: string;
}

/** GET /account/approvals as JSON: the newest pending requests, how many in all, the CSRF token. */
export interface PendingApprovals {
  approvals: PendingApproval[];
  total: number;
  csrf_token: string;
}

/** GET /account/approvals with Accept: application/json (200, or the test fails). */
export async function pendingApprovals(browser: Agent): Promise<PendingApprovals> {
  const res = await browser.get('/account/approvals').set('Accept', 'application/json');
  expect(res.status).toBe(200);
  return res.body as PendingApprovals;
}

/** The pending request whose binding message is `message`. */
export async function pendingApproval(browser: Agent, message: string): Promise<PendingApproval> {
  const { approvals } = await pendingApprovals(browser);
  const found = approvals.find((approval) => approval.binding_message === message);
  if (!found) throw new Error(`no pending approval "${message}"`);
  return found;
}

/** A JSON post of the approvals page (`/account/approvals/{id}/…`) with its CSRF token. */
export async function postApproval(browser: Agent, path: string, body: object = {}) {
  const { csrf_token } = await pendingApprovals(browser);
  return browser
    .post(path)
    .set('Accept', 'application/json')
    .send({ csrf_token, ...body });
}

/** An operator client registered for CIBA only, "Payment agent": its secret. */
export async function addPaymentAgent(t: TestApp, clientId: string): Promise<string> {
  return (await addOperatorClient(t, {
    clientId,
    name: 'Payment agent',
    grantTypes: [CIBA_GRANT_TYPE],
  }))!;
}

/** A CIBA client authenticating with client_secret_basic: its backchannel requests and polls. */
export function cibaClient(t: TestApp, clientId: string, secret: string) {
  const agent = { clientId, secret };
  return {
    /** POST /backchannel with `fields` (200, or the test fails): the auth_req_id. */
    async ask(fields: Record<string, string>): Promise<string> {
      const res = await backchannelRequest(t, agent, fields);
      expect(res.status).toBe(200);
      return (res.body as { auth_req_id: string }).auth_req_id;
    },
    /** A poll of /token with the CIBA grant: the raw answer. */
    poll: (authReqId: string) => cibaTokenRequest(t, agent, authReqId),
  };
}

/** The app and the people of a spec of proofs over payment requests (issue #51). */
export interface PaymentApprovals {
  t: TestApp;
  issuer: string;
  /** The payment agent's client secret. */
  secret: string;
  /** user1's browser, signed in with its password, with a passkey it added on the account page. */
  user1: Agent;
  passkey: SoftwareAuthenticator;
  /** The browser of the wallet's account, signed in with the wallet on the login page. */
  walletUser: Agent;
}

/**
 * An app at http://localhost (a WebAuthn RP ID) that knows payment_initiation details and
 * answers CIBA polls every second, with `env` over that; its payment agent `agentId`; user1
 * with a passkey, and `wallet`'s account, each signed in in a browser of its own.
 */
export async function startPaymentApprovals(
  agentId: string,
  wallet: PrivateKeyAccount,
  env: Record<string, string>,
): Promise<PaymentApprovals> {
  const { t, issuer } = await startListeningApp(
    {
      AUTHORIZATION_DETAILS_TYPES: JSON.stringify({ payment_initiation: PAYMENT_INITIATION }),
      CIBA_INTERVAL_SECONDS: '1',
      RATE_LIMIT_LOGIN_PER_IP: '1000',
      ...env,
    },
    'localhost',
  );
  const secret = await addPaymentAgent(t, agentId);
  const user1 = request.agent(t.app.getHttpServer());
  await login(user1, '/', 'user1', 'password1');
  const passkey = await addPasskeyOnAccountPage(user1, issuer);
  return { t, issuer, secret, user1, passkey, walletUser: await walletBrowser(t, wallet) };
}
