import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Longest `client_id` a sign-in body may name (registered ids are far shorter). */
export const PUBLIC_CLIENT_ID_MAX_LENGTH = 128;

/**
 * The `client_id` of a sign-in that answers tokens outside /token (POST /wallet/verify, POST
 * /passkeys/authentication/verify): a registered public client, the built-in `wallet` when left out.
 */
export function PublicClientIdField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      description: 'A registered public client; default `wallet`',
      example: 'wallet',
    }),
    IsOptional(),
    IsString(),
    MaxLength(PUBLIC_CLIENT_ID_MAX_LENGTH),
  );
}
