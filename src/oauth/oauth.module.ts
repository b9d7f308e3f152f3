import { Module } from '@nestjs/common';
import { ChallengeStoreModule } from '../challenges/challenge-store.module';
import { GrantsModule } from '../tokens/grants/grants.module';
import { AuthorizationCodeService } from './authorize/authorization-code.service';
import { AuthorizationEndpoint } from './authorize/authorization.endpoint';
import { AuthorizationRequestCheck } from './request-rules/authorization-request.check';
import { AuthorizationDetailsCheck } from './authorization-details/authorization-details.check';
import { PolledAuthorizations } from './token/grants/polled-authorization';
import { SignInMarkers } from './authorize/sign-in-marker';
import { AuthorizationRequestReader } from './authorize/authorization-request.reader';
import { HeldAuthorizationRequests } from './authorize/held-authorization-request';
import { RequestObjectVerifier } from './request-rules/request-object.verifier';
import { RequestUriFetcher } from './authorize/request-uri.fetcher';
import { ClientMetadataDocumentsModule } from '../clients/metadata-document/client-metadata-documents.module';
import { AuthorizeController } from './authorize/authorize.controller';
import { ClientsModule } from '../clients/clients.module';
import { CsrfModule } from '../platform/csrf/csrf.module';
import { ClientBudget } from './client-budget';
import { ConsentController } from './authorize/consent.controller';
import { ConsentDecisionService } from './authorize/consent-decision.service';
import { ConsentModule } from './consent/consent.module';
import { IntrospectionController } from './introspection/introspection.controller';
import { AccountsModule } from '../accounts/accounts.module';
import { OperatorPersistenceModule } from '../accounts/operators/persistence/operator-persistence.module';
import { ConsoleAdminAccess } from './admin-console/console-admin-access';
import { UsersModule } from '../accounts/users/users.module';
import { SessionsModule } from '../sessions/sessions.module';
import { SessionLogoutModule } from '../sessions/logout/session-logout.module';
import { MetadataController } from './metadata/metadata.controller';
import { ParController } from './par/par.controller';
import { PushedAuthorizationEndpoint } from './par/pushed-authorization.endpoint';
import { PushedAuthorizationRequests } from './par/pushed-authorization.service';
import { ResourceClientIdCheck } from './resource/check-resource-client-id';
import { MachineGrantTarget } from './token/grants/machine-grant-target';
import { RegistrationController } from './registration/registration.controller';
import { RevocationController } from './revocation/revocation.controller';
import { TokenLookup } from './revocation/token-lookup.service';
import { BackchannelAuthenticationController } from './ciba/backchannel-authentication.controller';
import { BackchannelAuthenticationEndpoint } from './ciba/backchannel-authentication.endpoint';
import { CibaApprovalsController } from './ciba/ciba-approvals.controller';
import { CibaApprovalsService } from './ciba/ciba-approvals.service';
import { CibaApprovalProofService } from './ciba/ciba-approval-proof.service';
import { ApprovalAuditPersistenceModule } from '../accounts/approval-audit/persistence/approval-audit-persistence.module';
import { CibaNotificationsModule } from './ciba/notifications/ciba-notifications.module';
import { CibaHintResolver } from './ciba/ciba-hint.resolver';
import { CibaRequestService } from './ciba/ciba-request.service';
import { DeviceAuthorizationController } from './device/device-authorization.controller';
import { DeviceAuthorizationEndpoint } from './device/device-authorization.endpoint';
import { DeviceAuthorizationService } from './device/device-authorization.service';
import { DeviceVerificationController } from './device/device-verification.controller';
import { DeviceVerificationService } from './device/device-verification.service';
import { TokenController } from './token/token.controller';
import { TokenEndpoint } from './token/token.endpoint';
import { GRANT_PROVIDERS, GRANT_TYPE_RULES } from './token/token-grants';
import { RegistrableGrantTypesModule } from '../clients/registration/registrable-grant-types';
import { TokenRequestOutcome } from './token/token-request-outcome.step';
import { UserInfoController } from './userinfo/userinfo.controller';
import { UserInfoService } from './userinfo/userinfo.service';

@Module({
  imports: [
    ChallengeStoreModule,
    GrantsModule,
    ClientsModule,
    // GuardedFetcher: the request objects clients pass by reference (request_uri) are fetched.
    ClientMetadataDocumentsModule,
    // The grants' registration rules, for the modules below oauth/ that check a client's grants.
    RegistrableGrantTypesModule.forRules(GRANT_TYPE_RULES),
    SessionsModule,
    UsersModule,
    AccountsModule,
    OperatorPersistenceModule,
    SessionLogoutModule,
    ConsentModule,
    CsrfModule,
    ApprovalAuditPersistenceModule,
    CibaNotificationsModule,
  ],
  controllers: [
    MetadataController,
    AuthorizeController,
    ConsentController,
    TokenController,
    RevocationController,
    IntrospectionController,
    UserInfoController,
    RegistrationController,
    ParController,
    DeviceAuthorizationController,
    DeviceVerificationController,
    BackchannelAuthenticationController,
    CibaApprovalsController,
  ],
  providers: [
    AuthorizationCodeService,
    AuthorizationEndpoint,
    ConsentDecisionService,
    ...GRANT_PROVIDERS,
    TokenEndpoint,
    TokenLookup,
    ClientBudget,
    UserInfoService,
    ResourceClientIdCheck,
    MachineGrantTarget,
    PolledAuthorizations,
    AuthorizationRequestCheck,
    ConsoleAdminAccess,
    AuthorizationDetailsCheck,
    SignInMarkers,
    RequestObjectVerifier,
    RequestUriFetcher,
    HeldAuthorizationRequests,
    AuthorizationRequestReader,
    PushedAuthorizationRequests,
    PushedAuthorizationEndpoint,
    DeviceAuthorizationEndpoint,
    DeviceAuthorizationService,
    DeviceVerificationService,
    BackchannelAuthenticationEndpoint,
    CibaRequestService,
    CibaHintResolver,
    CibaApprovalsService,
    CibaApprovalProofService,
    // A step of the request pipeline (app.setup.ts), not a Nest middleware: see its comment.
    TokenRequestOutcome,
  ],
})
export class OAuthModule {}
