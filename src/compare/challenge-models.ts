import type { LoginModel, PossessionModel } from './challenge-model';
import type { ProtocolShapeDto, ThreatModelDto } from './challenge-models.dto';

/** The static shape of each challenge-response protocol, as the specs define it. */
export const CHALLENGE_MODELS: Record<
  LoginModel,
  { protocol: ProtocolShapeDto; threats: ThreatModelDto }
> = {
  pkce: {
    protocol: {
      name: 'OAuth 2.1 authorization code with PKCE (S256)',
      standard: ['RFC 7636', 'RFC 6749 §4.1', 'OAuth 2.1', 'RFC 9207'],
      client_generates: 'code_verifier: 43-128 characters of high-entropy randomness, kept secret',
      sent_up_front:
        'code_challenge = BASE64URL(SHA-256(code_verifier)), code_challenge_method=S256',
      server_stores:
        'the SHA-256 of a 256-bit authorization code, with client, redirect URI, user, scope, resource (RFC 8707), code_challenge, login time and any OpenID Connect nonce',
      bound_to: ['client_id', 'redirect_uri', 'code_challenge'],
      client_proves_later: 'code_verifier, sent with the code to the token endpoint',
      server_verifies:
        'BASE64URL(SHA-256(code_verifier)) equals the stored code_challenge, inside the one atomic consume',
      cryptography: 'SHA-256 hash commitment (no keys, no signatures)',
      endpoints: ['GET /authorize', 'POST /token'],
    },
    threats: {
      stops: [
        'authorization code interception: a stolen code without the verifier is refused',
        'authorization code injection into another session or client',
        'replay: a code is consumed once; a second use revokes every token issued from it',
        'downgrade to the plain method: only S256 is accepted',
      ],
      does_not_stop: [
        'it does not authenticate the user: that is the login step before the code is issued',
        'a compromised client that holds both the code and the verifier',
        'theft of the tokens after they are issued (use short lifetimes, rotation, sender-constraining)',
        'phishing of the user on a look-alike authorization server',
      ],
    },
  },
  siwe: {
    protocol: {
      name: 'Sign-In with Ethereum (EIP-4361) with an address-bound nonce',
      standard: ['EIP-4361', 'EIP-191', 'ERC-1271', 'ERC-6492', 'CAIP-10'],
      client_generates: 'nothing secret: the wallet already holds its private key',
      sent_up_front: 'the wallet address and chain id',
      server_stores: 'the SHA-256 of a 96+-bit random nonce, bound to the address and chain',
      bound_to: ['address', 'chain_id'],
      client_proves_later:
        'an EIP-4361 message carrying the nonce, signed by the wallet (EIP-191 personal_sign)',
      server_verifies:
        'message fields (pinned domain, URI, chain, validity window), then recovers the signer from the signature and compares it with the bound address; contract wallets through ERC-1271/6492',
      cryptography: 'secp256k1 ECDSA signature with public-key (address) recovery',
      endpoints: ['POST /wallet/nonce', 'POST /wallet/verify'],
    },
    threats: {
      stops: [
        'replay of a signed message: the nonce is consumed once',
        'a nonce issued to one address used by another, or on another chain',
        'a message back-dated before its nonce existed (Issued At is checked against the nonce)',
        'signatures phished for another site: the domain is pinned and checked',
        'forged or tampered messages: the signature no longer recovers to the address',
      ],
      does_not_stop: [
        'it does not protect a token after it is issued (bearer tokens: keep them short-lived)',
        'a stolen or drained private key: whoever holds the key is the account',
        'a user who signs a malicious message on a phishing domain the wallet does not flag',
        'it proves control of an address, not a real-world identity',
      ],
    },
  },
  passkey: {
    protocol: {
      name: 'Passkeys (WebAuthn Level 3) with discoverable credentials',
      standard: ['WebAuthn Level 3', 'CTAP 2.2', 'RFC 8152 (COSE)', 'RFC 8176'],
      client_generates:
        'at registration, a key pair inside the authenticator, scoped to the RP ID; the private key never leaves it',
      sent_up_front:
        'nothing: the challenge names no account (discoverable credentials); the authenticator picks the passkey',
      server_stores:
        'the SHA-256 of a 256-bit random challenge, of its ceremony kind (registration or authentication); per passkey, its COSE public key and signature counter',
      bound_to: ['ceremony', 'origin', 'rp_id'],
      client_proves_later:
        'an assertion: the authenticator signs authenticatorData (RP ID hash, flags, counter) and the hash of clientDataJSON (type, challenge, origin)',
      server_verifies:
        'clientDataJSON type, challenge (redeemed once, inside the library callback) and origin; the RP ID hash; the user-presence flag; the signature with the stored public key; the counter moved forward',
      cryptography:
        'P-256 ECDSA (ES256) or Ed25519 signatures over authenticatorData and clientDataJSON',
      endpoints: [
        'POST /passkeys/authentication/options',
        'POST /passkeys/authentication/verify',
        'POST /passkeys/registration/options',
        'POST /passkeys/registration/verify',
      ],
    },
    threats: {
      stops: [
        'phishing: the browser writes the real origin into clientDataJSON and the RP ID hash into authenticatorData, so a look-alike site gets an assertion this service refuses',
        'replay of an assertion: its challenge is consumed once',
        'a registration challenge used to sign in, or the reverse: each ceremony has its own kind',
        'a cloned authenticator, when it counts: a signature counter that goes backwards is refused and recorded',
        'credential stuffing and password reuse: there is no shared secret to steal',
      ],
      does_not_stop: [
        'a lost device with device-bound passkeys: the account needs another method (link one first)',
        'account recovery: whoever controls a synced passkey provider account controls the passkey',
        'a compromised browser or operating system that drives the authenticator',
        'theft of the tokens after they are issued (bearer tokens: keep them short-lived)',
      ],
    },
  },
  siws: {
    protocol: {
      name: 'Sign In With Solana (CAIP-122, Solana profile) with an address-bound nonce',
      standard: [
        'CAIP-122',
        'CAIP-2',
        'CAIP-10',
        'RFC 8032 (Ed25519)',
        'Wallet Standard solana:signIn',
      ],
      client_generates: 'nothing secret: the wallet already holds its Ed25519 key',
      sent_up_front: 'the base58 address (the public key itself) and the cluster (solana:mainnet)',
      server_stores:
        'the SHA-256 of a 96+-bit random nonce, bound to the address and the CAIP-2 cluster id',
      bound_to: ['address', 'chain_id'],
      client_proves_later:
        'the exact Sign In With Solana text the nonce endpoint returned, signed by the wallet (signMessage or signIn)',
      server_verifies:
        "the text field by field against what was issued (pinned domain, URI, statement, cluster, the nonce's own issue and expiry times), then the Ed25519 signature against the address: no recovery, no RPC",
      cryptography: 'Ed25519 signature (RFC 8032) verified against the public key the address is',
      endpoints: ['POST /wallet/nonce', 'POST /wallet/verify'],
    },
    threats: {
      stops: [
        'replay of a signed message: the nonce is consumed once',
        'a nonce issued to one address used by another, or on another cluster (mainnet to devnet)',
        'a message not exactly as issued: edited fields, a multi-line statement, other times',
        'signatures phished for another site: the domain is pinned and checked',
        'forged or tampered messages, and signatures by another key',
        'small-order keys, which would verify forged signatures: no nonce, no sign-in',
      ],
      does_not_stop: [
        'it does not protect a token after it is issued (bearer tokens: keep them short-lived)',
        'a stolen private key: whoever holds the key is the account (no contract account to rotate it, unlike ERC-1271 wallets)',
        'a user who signs a malicious message on a phishing domain the wallet does not flag',
        'it proves control of an address, not a real-world identity',
      ],
    },
  },
};

/** The static shape of each proof of possession, as RFC 9449 and RFC 9126 define it. */
export const POSSESSION_MODELS: Record<
  PossessionModel,
  { protocol: ProtocolShapeDto; threats: ThreatModelDto }
> = {
  dpop: {
    protocol: {
      name: 'DPoP: demonstrating proof of possession at the application layer',
      standard: ['RFC 9449', 'RFC 7638', 'RFC 9700 §2.2'],
      client_generates:
        'an asymmetric key pair (ES256, EdDSA/Ed25519, RS256 or PS256), kept private',
      sent_up_front:
        'optionally dpop_jkt at /authorize or a proof at /par: the code is then bound to the key',
      server_stores:
        "nothing per token: the access token carries cnf.jkt, a public client's grant its jkt; one record per proof jti (SHA-256 of jkt and jti, 65 s); nonces are a stateless HMAC",
      bound_to: ['cnf.jkt (the key thumbprint)', 'htm', 'htu', 'ath (the access token hash)'],
      client_proves_later:
        'a fresh proof JWT with every token request and every API call, signed by the key',
      server_verifies:
        'signature by the header key, typ, alg, htm/htu of this request, iat window, ath, the nonce when required, the jti unseen fleet-wide, and the key equal to the token cnf.jkt',
      cryptography: 'JWS signature (ECDSA P-256, Ed25519 or RSA) and RFC 7638 thumbprints',
      endpoints: ['POST /token', 'POST /par', 'GET /api/me', 'GET|POST /userinfo'],
    },
    threats: {
      stops: [
        'a stolen access token used elsewhere: without the private key there is no proof',
        "a public client's stolen refresh token: refreshing needs a proof of the same key",
        'a proof replayed: its jti is recorded once for the whole fleet',
        'a proof for another URL or method, or for another access token (htm, htu, ath)',
        'a bound token presented as a bearer token',
        'proofs pre-generated by a briefly present attacker, when nonces are required',
      ],
      does_not_stop: [
        'an attacker who can use the private key where it lives (XSS calling the signer)',
        'theft of the code itself when no dpop_jkt binds it (PKCE covers that)',
        'a compromised client: its key signs whatever it is asked to',
      ],
    },
  },
  par: {
    protocol: {
      name: 'Pushed authorization requests',
      standard: ['RFC 9126', 'RFC 9101 §6.2'],
      client_generates: 'the authorization request (PKCE, redirect URI, scope, state...)',
      sent_up_front:
        'POST /par with client authentication and every authorization parameter: checked before the user is sent anywhere',
      server_stores:
        'the checked request under the SHA-256 of a 256-bit request_uri, bound to the client',
      bound_to: ['client_id'],
      client_proves_later:
        'GET /authorize?client_id=…&request_uri=…: the same client, within the lifetime, once',
      server_verifies:
        'the request_uri is live and unspent and was pushed by this client; it is spent atomically as the code is issued',
      cryptography: 'none beyond TLS and client authentication: a random reference',
      endpoints: ['POST /par', 'GET /authorize'],
    },
    threats: {
      stops: [
        'tampering with the request in the front channel (redirect_uri, scope, code_challenge)',
        'leakage of the parameters through URLs: history, logs, Referer',
        'long authorization URLs',
        'a request_uri used twice, by another client, or after it expired',
      ],
      does_not_stop: [
        'theft of the code or tokens afterwards (PKCE and DPoP do that)',
        'phishing of the user on a look-alike authorization server',
      ],
    },
  },
};
