import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** What a string field of an admin request says about itself. */
export interface AdminTextFieldOptions {
  readonly description: string;
  readonly example: string;
  /** Left out, the field is required. */
  readonly optional?: boolean;
  /** 512 by default: longer than any subject, client id or cursor the service makes. */
  readonly maxLength?: number;
}

/**
 * A string an admin request names (a subject, a client id, a cursor, an actor): documented with
 * its example, validated as a string of bounded length (a 400 invalid_request otherwise).
 */
export function AdminTextField(options: AdminTextFieldOptions): PropertyDecorator {
  const { description, example, optional = false, maxLength = 512 } = options;
  return applyDecorators(
    ApiProperty({ ...(optional ? { required: false } : {}), description, example }),
    ...(optional ? [IsOptional()] : []),
    IsString(),
    MaxLength(maxLength),
  );
}
