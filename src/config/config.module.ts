import { Global, Module, Provider } from '@nestjs/common';
import { AppConfig } from './app-config';
import { PasskeyConfig } from './sections/passkeys.config';
import { ChallengeConfig } from './sections/challenges.config';
import { CibaConfig } from './sections/ciba.config';
import { ClientAuthConfig } from './sections/client-auth.config';
import { ClientMetadataConfig } from './sections/client-metadata.config';
import { DatabaseConfig } from './sections/database.config';
import { DpopConfig } from './sections/dpop.config';
import { JwtBearerConfig } from './sections/jwt-bearer.config';
import { ResourceServersConfig } from './sections/resource-servers.config';
import { LabConfig } from './sections/lab.config';
import { LoginThrottleConfig } from './sections/login-throttle.config';
import { OAuthConfig } from './sections/oauth.config';
import { OperatorConfig } from './sections/operator.config';
import { ParConfig } from './sections/par.config';
import { AdminConsoleConfig } from './sections/admin-console.config';
import { LogoutConfig } from './sections/logout.config';
import { SsfConfig } from './sections/ssf.config';
import { MailConfig } from './sections/mail.config';
import { StepUpConfig } from './sections/step-up.config';
import { RateLimitConfig } from './sections/rate-limits.config';
import { RegistrationConfig } from './sections/registration.config';
import { ServerConfig } from './sections/server.config';
import { TokenConfig } from './sections/tokens.config';
import { WalletConfig } from './sections/wallet.config';
import { UpstreamConfig } from './sections/upstream.config';
import { Oid4vpConfig } from './sections/oid4vp.config';

type SectionKey = Exclude<keyof AppConfig, 'tracing'>;

/**
 * Each section of AppConfig and the abstract class it is injected by: a service states what it
 * reads by the sections its constructor names (`private readonly tokens: TokenConfig`), as
 * @nestjs/config's `registerAs` namespaces do, with our own typed, validated parsing.
 */
export const CONFIG_SECTIONS = {
  server: ServerConfig,
  database: DatabaseConfig,
  challenges: ChallengeConfig,
  tokens: TokenConfig,
  wallet: WalletConfig,
  passkeys: PasskeyConfig,
  oauth: OAuthConfig,
  rateLimits: RateLimitConfig,
  clientAuth: ClientAuthConfig,
  loginThrottle: LoginThrottleConfig,
  registration: RegistrationConfig,
  clientMetadata: ClientMetadataConfig,
  dpop: DpopConfig,
  par: ParConfig,
  logout: LogoutConfig,
  ssf: SsfConfig,
  ciba: CibaConfig,
  resourceServers: ResourceServersConfig,
  stepUp: StepUpConfig,
  operator: OperatorConfig,
  adminConsole: AdminConsoleConfig,
  lab: LabConfig,
  jwtBearer: JwtBearerConfig,
  mail: MailConfig,
  upstream: UpstreamConfig,
  oid4vp: Oid4vpConfig,
} as const satisfies { [K in SectionKey]: abstract new () => AppConfig[K] };

/**
 * AppConfig (from `appConfig`) and one provider per section, read off it: a test that overrides
 * AppConfig (test/support/test-app.ts) changes every section with it.
 */
export function configProviders(appConfig: Provider<AppConfig>): Provider[] {
  return [
    appConfig,
    ...Object.entries(CONFIG_SECTIONS).map(([key, section]) => ({
      provide: section,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => config[key as SectionKey],
    })),
  ];
}

/** What the config module exports: the whole AppConfig and every section. */
export const CONFIG_TOKENS = [AppConfig, ...Object.values(CONFIG_SECTIONS)];

@Global()
@Module({
  providers: configProviders({
    provide: AppConfig,
    useFactory: () => AppConfig.fromEnv(process.env),
  }),
  exports: CONFIG_TOKENS,
})
export class AppConfigModule {}
