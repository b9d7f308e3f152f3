/**
 * A DCQL query of several credentials (OID4VP_CREDENTIALS), any one of which answers it
 * (credential_sets): a presentation given for the second credential query is checked against
 * that query (its vct), not the first's, and signs in; a credential given under a query whose
 * type it is not is refused (invalid_presentation, query) without spending the state.
 */
import { DEMO_ISSUER_PUBLIC_JWK } from '../../../src/config/sections/oid4vp.config';
import { type ListeningApp, startListeningApp } from '../../support/test-app';
import { loginPageRequest } from '../../support/identity-wallet-request';
import {
  DEMO_ISSUER,
  issueCredential,
  newHolder,
  present,
  resolveRequest,
  submit,
} from '../../support/identity-wallet';

const OTHER_VCT = 'urn:example:membership:1';

describe('a DCQL query of several credentials', () => {
  let listening: ListeningApp;
  beforeAll(async () => {
    listening = await startListeningApp(
      {
        RATE_LIMIT_OID4VP_PER_IP: '10000',
        ACCOUNT_CREATIONS_PER_IP_PER_HOUR: '1000',
        OID4VP_CREDENTIALS: JSON.stringify([
          { id: 'pid', vct: ['urn:eudi:pid:1'] },
          { id: 'membership', vct: [OTHER_VCT] },
        ]),
        OID4VP_TRUSTED_ISSUERS: JSON.stringify([
          {
            issuer: DEMO_ISSUER,
            jwks: { keys: [DEMO_ISSUER_PUBLIC_JWK] },
            vct: ['urn:eudi:pid:1', OTHER_VCT],
          },
        ]),
      },
      'localhost',
    );
  });
  afterAll(() => listening.t.close());

  it('checks a presentation against the credential query it answers, and signs in with the second', async () => {
    const { agent, id, authorizationRequest } = await loginPageRequest(
      listening.t.app.getHttpServer(),
    );
    const resolved = await resolveRequest(authorizationRequest);
    // The login page's scope needs no claim: each credential is asked for again without claims,
    // for a wallet whose credential lacks the subject claims.
    expect(resolved.payload.dcql_query.credentials.map(({ id }) => id)).toEqual([
      'pid',
      'membership',
      'pid_no_claims',
      'membership_no_claims',
    ]);
    const holder = await newHolder();
    const kb = { aud: resolved.payload.client_id, nonce: resolved.payload.nonce };
    const pid = await issueCredential({ holder });
    const membership = await issueCredential({ holder, vct: OTHER_VCT });

    // A PID given as the membership credential: not that query's type.
    const wrong = await submit(resolved, {
      membership: [await present(holder, pid, resolved.asked, kb)],
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({
      error: 'invalid_presentation',
      error_description:
        'The presentation was refused: query: the presentation does not answer the DCQL query (a claim it needs is missing)',
    });
    // The state was not spent: the membership credential, given for its own query, signs in.
    const right = await submit(resolved, {
      membership: [await present(holder, membership, resolved.asked, kb)],
    });
    expect(right.status).toBe(200);
    const polled = await agent.get(`/oid4vp/requests/${id}`).expect(200);
    expect(polled.body).toEqual({ status: 'signed_in', redirect: '/' });
  });
});
