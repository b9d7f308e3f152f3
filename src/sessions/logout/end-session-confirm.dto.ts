import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CsrfTokenField, UiLocalesField } from '../../platform/http/form-fields';
import { EndSessionParam } from './end-session-params';

export const END_SESSION_DECISIONS = ['sign_out', 'stay'] as const;
export type EndSessionDecision = (typeof END_SESSION_DECISIONS)[number];

/** The confirmation page's answer (POST /end_session/confirm), with the request it carries on. */
export class EndSessionConfirmDto {
  @CsrfTokenField({ required: true })
  csrf_token?: string;

  @ApiProperty({
    enum: END_SESSION_DECISIONS,
    description: 'The button the user pressed',
    example: 'sign_out',
  })
  @IsIn(END_SESSION_DECISIONS, { message: 'decision must be sign_out or stay' })
  decision!: EndSessionDecision;

  @EndSessionParam('The client the logout request named (checked again)', 'demo-client')
  client_id?: string;

  @EndSessionParam(
    'The logout request’s post_logout_redirect_uri (checked again)',
    'http://localhost:25001/signed-out',
  )
  post_logout_redirect_uri?: string;

  @EndSessionParam('The logout request’s state', 'af0ifjsldkj')
  state?: string;

  @EndSessionParam(
    'The logout request’s id_token_hint, when it was valid for client_id (verified again): the redirect to post_logout_redirect_uri needs it',
    'eyJhbGciOiJFUzI1NiIsImtpZCI6ImV4YW1wbGUiLCJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ1c2VyMCJ9.c2lnbmF0dXJl',
  )
  id_token_hint?: string;

  /** The confirmation page's language: the page after it keeps it. */
  @UiLocalesField()
  ui_locales?: string;
}
