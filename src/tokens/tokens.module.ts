import { Module } from '@nestjs/common';
import { AccessTokenService } from './access-token.service';
import { IdTokenHintVerifier } from './id-token-hint.verifier';
import { IdTokenService } from './id-token.service';
import { IssuerJwtSigner } from './issuer-jwt.signer';
import { LogoutTokenService } from './logout-token.service';
import { ResourceScopes } from './resource-scopes';
import { SignedUserInfoService } from './signed-userinfo.service';
import { JwksController } from './jwks.controller';
import { SigningKeyPersistenceModule } from './signing-keys/persistence/signing-key-persistence.module';
import { SigningKeyPairs } from './signing-keys/signing-key-pairs';
import { SigningKeyService } from './signing-keys/signing-key.service';

/** What the module offers the features above it: the keys, and every token signed with them. */
const TOKEN_SERVICES = [
  SigningKeyService,
  IssuerJwtSigner,
  AccessTokenService,
  IdTokenService,
  IdTokenHintVerifier,
  LogoutTokenService,
  SignedUserInfoService,
  ResourceScopes,
];

@Module({
  imports: [SigningKeyPersistenceModule],
  controllers: [JwksController],
  providers: [SigningKeyPairs, ...TOKEN_SERVICES],
  exports: TOKEN_SERVICES,
})
export class TokensModule {}
