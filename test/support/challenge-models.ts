/**
 * The login models of the comparison, in the order /challenge-models and its series list them
 * (the proof registry's order): what a client of those endpoints relies on.
 */
export const LOGIN_MODEL_IDS = [
  'pkce',
  'siwe',
  'passkey',
  'siws',
  'siwb',
  'device',
  'email',
  'upstream',
  'oid4vp',
  'ciba',
] as const;
