import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import {
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  type ValidationArguments,
} from 'class-validator';
import { EMAIL_MAX_LENGTH, emailProblemOf, isNormalizableEmail } from '../../email/email-address';
import { EMAIL_CODE, EMAIL_LINK_TOKEN } from '../../email/email-challenges';
import { CsrfTokenField, UiLocalesField } from '../../platform/http/form-fields';
import { LoginPageFieldsDto } from '../login-page-fields.dto';

/**
 * An email address a code is sent to: well-formed (RFC 5322 as validator.js reads it) once
 * normalised (email-address.ts: an ASCII local part, the domain in its UTS #46 ASCII form, no
 * control or format character), each refusal with its reason.
 */
export function EmailAddressField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      description:
        'The address to send the code to (compared lower-cased, its domain in ASCII form: an internationalised domain and its punycode are one address; the part before @ is ASCII)',
      example: 'alice@example.com',
      maxLength: EMAIL_MAX_LENGTH,
    }),
    IsString(),
    MaxLength(EMAIL_MAX_LENGTH),
    ValidateBy({
      name: 'isEmail',
      validator: {
        validate: (value: unknown) => isNormalizableEmail(value),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'email'} ${emailProblemOf(args?.value)}`,
      },
    }),
  );
}

/** An 8-digit email code. */
export function EmailCodeField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      description: 'The 8-digit code of the mail',
      example: '04817263',
      pattern: EMAIL_CODE.source,
    }),
    IsString(),
    Matches(EMAIL_CODE, { message: 'code must be the 8 digits of the mail' }),
  );
}

/** POST /login/email/start: the address, and the login page's fields (JSON or a form). */
export class EmailLoginStartDto extends LoginPageFieldsDto {
  @EmailAddressField()
  email!: string;
}

/** POST /login/email/verify: the code, and the login page's fields (JSON or a form). */
export class EmailLoginVerifyDto extends LoginPageFieldsDto {
  @EmailCodeField()
  code!: string;
}

/** GET /login/email/link: the link's token, as the mail carries it. */
export class EmailLinkQueryDto {
  @ApiProperty({
    description: 'The link’s one-time token',
    pattern: EMAIL_LINK_TOKEN.source,
    example: 'CT0RMA7s1vXqJWUu9cOLUdqe8J-QnxMKq-yHoyBvl_s',
  })
  @Matches(EMAIL_LINK_TOKEN, { message: 'token must be the link’s token, as the mail has it' })
  @IsString()
  token!: string;

  /** The language of the login page the mail was asked from: the link's page is in it. */
  @UiLocalesField()
  ui_locales?: string;
}

/** POST /login/email/link: the confirmation form of the link's page. */
export class EmailLinkConfirmDto extends EmailLinkQueryDto {
  @CsrfTokenField({ required: true })
  csrf_token?: string;
}

/** POST /login/email/start's answer: the same whether or not an account has the address. */
export class EmailLoginStartResponseDto {
  @ApiProperty({ description: 'Always true: a code was sent if the address can receive mail' })
  sent!: true;
}
