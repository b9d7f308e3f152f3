import { ApiPropertyOptional } from '@nestjs/swagger';
import { ClientCredentials, readClientCredentials } from '../clients/client-authenticator';
import { EXAMPLE } from './oauth.examples';
import { OptionalOAuthParam } from './oauth-params';

/**
 * RFC 6749 §2.3.1 client credentials in the request body (client_secret_post), or the client_id
 * of a public client (method `none`). The other way, client_secret_basic, is the Authorization
 * header.
 */
export class ClientAuthenticationDto {
  @ApiPropertyOptional({
    description:
      'The client: a public client (method `none`) or with client_secret_post. With client_secret_basic, omit it or send the same id',
    example: EXAMPLE.clientId,
  })
  @OptionalOAuthParam()
  client_id?: string;

  @ApiPropertyOptional({
    description:
      'client_secret_post. Leave it empty when authenticating with client_secret_basic: one method per request',
    example: EXAMPLE.clientSecret,
  })
  @OptionalOAuthParam()
  client_secret?: string;

  @ApiPropertyOptional({
    description:
      'private_key_jwt (RFC 7523 §2.2): a JWT signed by a key the client registered; iss = sub = client_id, aud = the issuer identifier as a single string (not the token endpoint, not an array), exp at most 5 minutes ahead, a jti used once',
    example: 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJhZ2VudCIsInN1YiI6ImFnZW50In0.c2lnbmF0dXJl',
  })
  @OptionalOAuthParam()
  client_assertion?: string;

  @ApiPropertyOptional({
    description: 'With client_assertion: urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    example: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  })
  @OptionalOAuthParam()
  client_assertion_type?: string;
}

/**
 * The credentials a request presents (the Basic Authorization header, else its parameters), and
 * the address it comes from.
 */
export function presentedCredentials(
  authorization: string | undefined,
  params: ClientAuthenticationDto,
  callerAddress: string,
): ClientCredentials {
  return readClientCredentials(
    { headers: { authorization } },
    {
      client_id: params.client_id,
      client_secret: params.client_secret,
      client_assertion: params.client_assertion,
      client_assertion_type: params.client_assertion_type,
    },
    callerAddress,
  );
}
