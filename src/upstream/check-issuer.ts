/** The verdict of RFC 9207 on an authorization response's `iss`. */
export type IssuerVerdict = 'ok' | 'mix_up' | 'missing';

/**
 * RFC 9207 §2.4: a client that sent its request to one provider refuses a response whose `iss` is
 * not that provider's Issuer Identifier (compared as strings, §2.4: no normalisation), and one
 * without `iss` when the provider advertises `authorization_response_iss_parameter_supported`
 * (§3): otherwise an attacker's provider could have the response of another delivered here
 * (mix-up, RFC 9700 §4.4). It applies to error responses too. `advertised` is undefined while the
 * provider's metadata is not known: only a present `iss` can be judged then.
 */
export function checkIssuer(
  iss: string | null,
  expectedIssuer: string,
  advertised: boolean | undefined,
): IssuerVerdict {
  if (iss !== null) return iss === expectedIssuer ? 'ok' : 'mix_up';
  return advertised === true ? 'missing' : 'ok';
}
