import { createHash } from 'node:crypto';
import {
  CIBA_GRANT_TYPE,
  CIBA_LOGIN_HINT,
  approvalId,
  backchannelRequests,
  checkCibaAccessTokens,
  checkPending,
  cibaAgent,
  cibaAgentMetadata,
  pollRequests,
} from '../../bench/lib/ciba';

const form = (body: string | undefined) => Object.fromEntries(new URLSearchParams(body ?? ''));
const jwt = (claims: object) =>
  `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

describe('bench CIBA phases (#51)', () => {
  const agent = cibaAgent();

  it('registers a confidential poll-mode agent for the CIBA grant only, with no redirect', () => {
    expect(cibaAgentMetadata(agent)).toMatchObject({
      client_id: agent.id,
      client_secret: agent.secret,
      grant_types: [CIBA_GRANT_TYPE],
      redirect_uris: [],
      response_types: [],
      backchannel_token_delivery_mode: 'poll',
    });
  });

  it('asks for the signed-in user with a binding message of its own per request, then polls each', () => {
    const asked = backchannelRequests(agent, 3, 2);
    const basic = `Basic ${Buffer.from(`${agent.id}:${agent.secret}`).toString('base64')}`;
    expect(asked.map((r) => [r.method, r.path, r.headers?.authorization])).toEqual(
      Array.from({ length: 3 }, () => ['POST', '/backchannel', basic]),
    );
    expect(asked.map((r) => form(r.body))).toEqual(
      [0, 1, 2].map((i) => ({
        scope: 'openid',
        login_hint: CIBA_LOGIN_HINT,
        binding_message: `bench 2-${i}`,
      })),
    );
    const [poll] = pollRequests(agent, ['id-1']);
    expect(poll.path).toBe('/token');
    expect(form(poll.body)).toEqual({ grant_type: CIBA_GRANT_TYPE, auth_req_id: 'id-1' });
  });

  it("names a request on the approvals page by its auth_req_id's SHA-256, never the id itself", () => {
    const id = approvalId('auth-req-id');
    expect(id).toBe(createHash('sha256').update('auth-req-id').digest('base64url'));
    expect(id).not.toContain('auth-req-id');
  });

  it('fails the phase on any answer to a pending poll other than authorization_pending', () => {
    expect(() => checkPending(['authorization_pending', 'authorization_pending'])).not.toThrow();
    expect(() => checkPending(['authorization_pending', 'slow_down'])).toThrow(
      '1 of 2 polls of pending requests answered slow_down',
    );
    expect(() => checkPending([])).toThrow();
  });

  it('accepts only access tokens issued to the agent for a person', () => {
    expect(() =>
      checkCibaAccessTokens([jwt({ client_id: agent.id, sub: 'u' })], agent),
    ).not.toThrow();
    expect(() => checkCibaAccessTokens([jwt({ client_id: 'other', sub: 'u' })], agent)).toThrow();
    expect(() => checkCibaAccessTokens([jwt({ client_id: agent.id })], agent)).toThrow();
    expect(() => checkCibaAccessTokens([], agent)).toThrow();
  });
});
