/**
 * The person's side of CIBA through its JSON API, as a signed-in browser (supertest agent) drives
 * it: the pending requests of GET /account/approvals, and a post with the page's CSRF token.
 */
import { CIBA_GRANT_TYPE } from '../../src/protocol-rules/grant-types';
import { backchannelRequest, cibaTokenRequest } from './ciba';
import type { Agent } from './oauth';
import { addOperatorClient } from './operator-clients';
import type { TestApp } from './test-app';

/** One pending request as GET /account/approvals answers it. */
export interface PendingApproval {
  id: string;
  client_id?: string;
  binding_message?: string;
  authorization_details?: object[];
  rendered: string[];
  required_acr?: string;
}

/** GET /account/approvals with Accept: application/json (200, or the test fails). */
export async function pendingApprovals(
  browser: Agent,
): Promise<{ approvals: PendingApproval[]; csrf_token: string }> {
  const res = await browser.get('/account/approvals').set('Accept', 'application/json');
  expect(res.status).toBe(200);
  return res.body as { approvals: PendingApproval[]; csrf_token: string };
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
