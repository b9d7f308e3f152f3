import { applyDecorators, type Type } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import type { GrantTypeRule } from '../../protocol-rules/grant-types';
import type { ChallengeModel } from '../../proofs/proof-vocabulary';
import type { TokenResponse } from '../../tokens/grants/grant-token.issuer';
import type { OAuthClient } from '../../clients/oauth-client';
import type { ClientCharge } from '../client-budget';
import { OptionalOAuthParam } from '../oauth-params';

/**
 * One of a grant's own POST /token parameters: how it is validated and how the OpenAPI document
 * describes it, put on the one request DTO (`withGrantParameters` in token-grants.ts).
 */
export interface GrantParameter {
  readonly decorator: PropertyDecorator;
}

/** A grant's own parameters by name: `request.<name>` in its handler. */
export type GrantParameters = Readonly<Record<string, GrantParameter>>;

/**
 * A text parameter the grant reads, optional at the validation pipe: which ones a grant requires,
 * and with what error, is its handler's to say once the client is authenticated (RFC 6749 §5.2).
 */
export function grantParameter(doc: { description: string; example: string }): GrantParameter {
  return { decorator: applyDecorators(OptionalOAuthParam(), ApiPropertyOptional(doc)) };
}

/**
 * The parameters every grant may read besides its own: RFC 6749 §3.3 `scope` and RFC 8707
 * `resource` (TokenRequestDto declares them, with `grant_type` and the client's credentials).
 */
export interface CommonTokenParameters {
  readonly scope?: string;
  readonly resource?: string;
}

/** A grant without parameters of its own. */
type NoParameters = Record<never, GrantParameter>;

/** A token request as a grant's handler reads it: the common parameters and its own. */
export type TokenRequest<Own extends GrantParameters = NoParameters> = CommonTokenParameters & {
  readonly [Name in keyof Own]?: string;
};

/**
 * One class per grant type; the token endpoint dispatches on `grant_type`. A handler starts
 * `charge` as soon as its grant proves the client (a public client has no other proof), so the
 * charge runs alongside the rest of its work; the endpoint charges every success regardless.
 * `dpopJkt` is the key of the request's verified DPoP proof (RFC 9449), if it had one: the
 * tokens are bound to it.
 */
export abstract class GrantHandler<Own extends GrantParameters = NoParameters> {
  abstract handle(
    client: OAuthClient,
    request: TokenRequest<Own>,
    charge: ClientCharge,
    dpopJkt?: string,
  ): Promise<TokenResponse>;
}

/**
 * A grant as the grant list (token-grants.ts) registers it, declared once in its own file: the
 * token endpoint routes its `grant_type` to its handler, the request DTO (and so the OpenAPI
 * document and the validation pipe) takes its parameters, the metadata names it, and its
 * `registration` rules are what a client registering it must be (GRANT_TYPE_RULES, handed to
 * client registration, OAUTH_CLIENTS' check and the admin CLI below oauth/).
 */
export interface GrantEntry<
  GrantType extends string = string,
  Own extends GrantParameters = GrantParameters,
> {
  /** RFC 6749 §4.1.3, §4.5: the `grant_type` value. */
  readonly type: GrantType;
  /** Its own parameters (the common ones are every grant's). */
  readonly parameters: Own;
  /** Named in the metadata's `grant_types_supported` (RFC 8414 §2). */
  readonly advertised: boolean;
  /** What registering it commits a client to (RFC 7591 §2.1; protocol-rules/grant-types.ts). */
  readonly registration: GrantTypeRule;
  /** Whose proof a redemption of this grant is, when it is a challenge model's (its metrics, traces). */
  readonly proof?: GrantProof;
  readonly handler: Type<GrantHandler<Own>>;
}

/**
 * A grant whose redemption is a challenge model's proof: the code exchange is PKCE's (RFC 7636
 * §4.6), a device code's redemption the device model's (RFC 8628 §3.5). `waits` are the answers
 * that tell a polling client to wait for the person, which prove nothing either way.
 */
export interface GrantProof {
  readonly model: ChallengeModel;
  readonly waits?: readonly string[];
}

/** The names of the own parameters of the grants `Entry` (a union of entries). */
export type OwnParameterNames<Entry> =
  Entry extends GrantEntry<string, infer Own> ? keyof Own & string : never;
