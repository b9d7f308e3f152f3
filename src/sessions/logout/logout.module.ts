import { Module } from '@nestjs/common';
import { ClientsModule } from '../../clients/clients.module';
import { CsrfModule } from '../../platform/csrf/csrf.module';
import { TokensModule } from '../../tokens/tokens.module';
import { SessionsModule } from '../sessions.module';
import { BackchannelLogoutModule } from './backchannel-logout.module';
import { EndSessionController } from './end-session.controller';
import { EndSessionService } from './end-session.service';
import { SessionLogoutModule } from './session-logout.module';

/**
 * Signing out of the browser's login session: POST /logout and /end_session (RP-Initiated Logout
 * 1.0), and the delivery of the logout tokens that follow (Back-Channel Logout 1.0).
 */
@Module({
  imports: [
    SessionsModule,
    SessionLogoutModule,
    BackchannelLogoutModule,
    ClientsModule,
    TokensModule,
    CsrfModule,
  ],
  controllers: [EndSessionController],
  providers: [EndSessionService],
})
export class LogoutModule {}
