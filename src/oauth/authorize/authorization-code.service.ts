import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../challenges/challenge-store';
import { randomToken } from '../../platform/crypto/hashing';
import { AppConfig } from '../../config/app-config';
import type { AuthMethod } from '../../tokens/access-token';

/** What an authorization code carries besides its binding. */
export interface AuthorizationCodePayload {
  sub: string;
  scope: string;
  authMethod: AuthMethod;
  /** RFC 8707: the resource the authorization is for (absent on codes issued before it was kept). */
  resource?: string;
}

/** The binding the token request must reproduce for the code to be consumed. */
export interface AuthorizationCodeBinding {
  client_id: string;
  redirect_uri: string;
  /** Only S256 exists here, so the binding holds BASE64URL(SHA-256(verifier)). */
  code_challenge: string;
  [field: string]: string;
}

@Injectable()
export class AuthorizationCodeService {
  constructor(
    private readonly store: ChallengeStore,
    private readonly config: AppConfig,
  ) {}

  /** 256 bits of CSPRNG; only its hash is stored, bound to client, redirect URI and challenge. */
  async issue(
    binding: AuthorizationCodeBinding,
    payload: AuthorizationCodePayload,
  ): Promise<string> {
    const code = randomToken(32);
    await this.store.issue({
      kind: 'authorization_code',
      key: code,
      binding,
      payload,
      ttlSeconds: this.config.challenges.authorizationCodeTtlSeconds,
    });
    return code;
  }
}
