/**
 * The settings of a service whose ISSUER is an IP address (a spec's loopback port): browsers
 * refuse an IP as a WebAuthn RP ID, so the service does not start without WEBAUTHN_RP_ID. The
 * passkeys are scoped to `localhost`, the name of the same loopback interface, on the same port.
 */
export function ipIssuer(issuer: string): {
  ISSUER: string;
  WEBAUTHN_RP_ID: string;
  WEBAUTHN_ORIGINS: string;
} {
  const url = new URL(issuer);
  const port = url.port === '' ? '' : `:${url.port}`;
  return {
    ISSUER: issuer,
    WEBAUTHN_RP_ID: 'localhost',
    WEBAUTHN_ORIGINS: `${url.protocol}//localhost${port}`,
  };
}
