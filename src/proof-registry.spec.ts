import { MODEL_OF_KIND, PROOFS, kindOfModel } from './proof-registry';
import {
  ALL_MODEL_IDS,
  AMR,
  AUTH_METHODS,
  CHALLENGE_KINDS,
  MODEL_IDS,
  POSSESSION_MODEL_IDS,
} from './proofs/proof-vocabulary';

describe('the proof registry', () => {
  it('has each proof under its own id', () => {
    for (const [id, proof] of Object.entries(PROOFS)) expect(proof.id).toBe(id);
  });

  it('gives every challenge kind to exactly one model', () => {
    const claims = Object.values(PROOFS).flatMap((proof) => [...proof.challengeKinds]);
    expect([...claims].sort()).toEqual([...CHALLENGE_KINDS].sort());
    expect(MODEL_OF_KIND).toEqual({
      authorization_code: 'pkce',
      sign_in_marker: 'pkce',
      authorization_request: 'pkce',
      wallet_nonce: 'siwe',
      webauthn_registration: 'passkey',
      webauthn_authentication: 'passkey',
      siws_nonce: 'siws',
      dpop_jti: 'dpop',
      par_request_uri: 'par',
      siwb_nonce: 'siwb',
      device_code: 'device',
      device_user_code: 'device',
      email_code: 'email',
      client_assertion_jti: 'private_key_jwt',
      jwt_bearer_jti: 'jwt_bearer',
      oid4vp_request: 'oid4vp',
      oid4vp_state: 'oid4vp',
      oid4vp_response_code: 'oid4vp',
      oid4vp_link_code: 'oid4vp',
      client_secret: 'client_secret',
      upstream_state: 'upstream',
      ciba_request: 'ciba',
      ciba_approval: 'ciba',
    });
  });

  it("stands each model's figures for the kind it is proved with (a passkey's sign-in)", () => {
    expect(Object.fromEntries(ALL_MODEL_IDS.map((id) => [id, kindOfModel(id)]))).toEqual({
      pkce: 'authorization_code',
      siwe: 'wallet_nonce',
      passkey: 'webauthn_authentication',
      siws: 'siws_nonce',
      siwb: 'siwb_nonce',
      device: 'device_code',
      email: 'email_code',
      dpop: 'dpop_jti',
      par: 'par_request_uri',
      client_secret: 'client_secret',
      private_key_jwt: 'client_assertion_jti',
      jwt_bearer: 'jwt_bearer_jti',
      upstream: 'upstream_state',
      oid4vp: 'oid4vp_request',
      ciba: 'ciba_request',
    });
  });

  it("says each login method's amr as the vocabulary does", () => {
    for (const method of AUTH_METHODS) expect(PROOFS[method].amr).toBe(AMR[method]);
  });

  it('compares the login models and the proofs of possession, each with its own shape', () => {
    for (const id of MODEL_IDS) expect(PROOFS[id].comparison).toHaveProperty('usedBy');
    for (const id of POSSESSION_MODEL_IDS) {
      expect(PROOFS[id].comparison).toHaveProperty('costPerRequest');
    }
  });
});
