import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** No parameter of a logout request is longer (an ID token of ours is well under 2 KB). */
export const MAX_END_SESSION_PARAM_LENGTH = 4_096;

/**
 * An RP-Initiated Logout 1.0 parameter: optional text. Like OAuth's (RFC 6749 §3.1), one sent
 * without a value counts as absent; a repeated one (an array) is malformed.
 */
export function EndSessionParam(description: string, example?: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description, ...(example === undefined ? {} : { example }) }),
    Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value)),
    IsOptional(),
    IsString({ message: 'Parameter $property is malformed' }),
    MaxLength(MAX_END_SESSION_PARAM_LENGTH, {
      message: `Parameter $property is longer than ${MAX_END_SESSION_PARAM_LENGTH} characters`,
    }),
  );
}
