import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUTH_METHODS, type AuthMethod } from '../../proofs/proof-vocabulary';
import { SUPPORTED_ACR_VALUES } from '../../protocol-rules/acr';
import type { Actor } from '../../tokens/access-token';

/**
 * RFC 7662 §2.2 introspection response: `{ "active": false }` for anything not active and the
 * caller's own; the other fields only with `active: true`.
 */
export class IntrospectionResponseDto {
  @ApiProperty({ example: true })
  active!: boolean;

  @ApiPropertyOptional({ enum: ['Bearer', 'DPoP', 'refresh_token'], example: 'Bearer' })
  token_type?: 'Bearer' | 'DPoP' | 'refresh_token';

  @ApiPropertyOptional({
    description: 'RFC 9449 §6.2: the DPoP key a bound access token is bound to',
    example: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' },
  })
  cnf?: { jkt: string };

  @ApiPropertyOptional({ example: 'demo-client' })
  client_id?: string;

  @ApiPropertyOptional({
    description: 'User name, or CAIP-10 account eip155:<chainId>:<address>',
    example: 'user0',
  })
  sub?: string;

  @ApiPropertyOptional({ example: 'profile' })
  scope?: string;

  @ApiPropertyOptional({ description: 'Expiry, seconds since the epoch', example: 1767226500 })
  exp?: number;

  @ApiPropertyOptional({ description: 'Issued at, seconds since the epoch', example: 1767225600 })
  iat?: number;

  @ApiPropertyOptional({ example: 'http://localhost:25000' })
  iss?: string;

  @ApiPropertyOptional({ description: 'Access tokens only', example: 'http://localhost:25000/api' })
  aud?: string;

  @ApiPropertyOptional({
    description: 'Access tokens only',
    example: 'n3Xw0qJt8dYV2cLkP5sR1g',
  })
  jti?: string;

  @ApiPropertyOptional({ enum: AUTH_METHODS, example: 'password' })
  auth_method?: AuthMethod;

  @ApiPropertyOptional({
    description:
      'When the user last authenticated (the login the grant came from), seconds since the epoch',
    example: 1767225590,
  })
  auth_time?: number;

  @ApiPropertyOptional({
    description:
      'Authentication context class of that login: phr (phishing-resistant, a passkey); absent when it achieved none',
    enum: SUPPORTED_ACR_VALUES,
    example: 'phr',
  })
  acr?: string;

  @ApiPropertyOptional({
    description:
      'RFC 8693 §4.1: an exchanged access token names the client acting for the subject (earlier actors nested)',
    example: { sub: 'agent-client' },
  })
  act?: Actor;

  @ApiPropertyOptional({
    description: 'RFC 9396 §9.2: the authorization details the access token grants, when any',
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [{ type: 'payment_initiation', amount: '12.00', currency: 'EUR', creditor: 'X' }],
  })
  authorization_details?: Array<Record<string, unknown>>;

  @ApiPropertyOptional({
    description:
      'A CIBA request approved by a proof over it: method (passkey, or the wallet chain’s CAIP-2 namespace), hash (BASE64URL(SHA-256) of the request’s RFC 8785 canonical JSON), time',
    type: 'object',
    additionalProperties: true,
    example: {
      method: 'passkey',
      hash: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
      time: 1767225600,
    },
  })
  approval?: { method: string; hash: string; time: number };
}
