import { Module } from '@nestjs/common';
import { DpopModule } from '../dpop/dpop.module';
import { AccountsModule } from '../../accounts/accounts.module';
import { ClientsModule } from '../../clients/clients.module';
import { TokensModule } from '../tokens.module';
import { AccountBearerAuthenticator } from './account-bearer.authenticator';
import { BearerTokenAuthenticator } from './grant-bearer.authenticator';
import { GrantTokenIssuer } from './grant-token.issuer';
import { GrantPersistenceModule } from './persistence/grant-persistence.module';
import { RefreshTokenRotation } from './refresh-token.rotation';

/** Grants, refresh-token rotation and bearer authentication, shared by OAuth and wallet login. */
@Module({
  imports: [AccountsModule, ClientsModule, TokensModule, DpopModule, GrantPersistenceModule],
  providers: [
    RefreshTokenRotation,
    GrantTokenIssuer,
    BearerTokenAuthenticator,
    AccountBearerAuthenticator,
  ],
  exports: [
    GrantTokenIssuer,
    BearerTokenAuthenticator,
    AccountBearerAuthenticator,
    GrantPersistenceModule,
    RefreshTokenRotation,
    TokensModule,
    DpopModule,
  ],
})
export class GrantsModule {}
