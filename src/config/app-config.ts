import { Env } from './env-parsers';
import { EnvReader } from './env-reader';
import { ChallengeConfig, readChallengeConfig } from './sections/challenges.config';
import { CibaConfig, readCibaConfig } from './sections/ciba.config';
import { ClientAuthConfig, readClientAuthConfig } from './sections/client-auth.config';
import { ClientMetadataConfig, readClientMetadataConfig } from './sections/client-metadata.config';
import { DatabaseConfig, readDatabaseConfig } from './sections/database.config';
import { DpopConfig, readDpopConfig } from './sections/dpop.config';
import { JwtBearerConfig, readJwtBearerConfig } from './sections/jwt-bearer.config';
import {
  readResourceServersConfig,
  ResourceServersConfig,
} from './sections/resource-servers.config';
import { LabConfig, readLabConfig } from './sections/lab.config';
import { LoginThrottleConfig, readLoginThrottleConfig } from './sections/login-throttle.config';
import { OAuthConfig, readOAuthConfig } from './sections/oauth.config';
import { OperatorConfig, readOperatorConfig } from './sections/operator.config';
import { PasskeyConfig, readPasskeyConfig } from './sections/passkeys.config';
import { ParConfig, readParConfig } from './sections/par.config';
import { AdminConsoleConfig, readAdminConsoleConfig } from './sections/admin-console.config';
import { LogoutConfig, readLogoutConfig } from './sections/logout.config';
import { SsfConfig, readSsfConfig } from './sections/ssf.config';
import { MailConfig, mailProductionRefusal, readMailConfig } from './sections/mail.config';
import { StepUpConfig, readStepUpConfig } from './sections/step-up.config';
import { RateLimitConfig, readRateLimitConfig } from './sections/rate-limits.config';
import { RegistrationConfig, readRegistrationConfig } from './sections/registration.config';
import { ServerConfig, readServerConfig } from './sections/server.config';
import { TokenConfig, readTokenConfig } from './sections/tokens.config';
import { WalletConfig, readWalletConfig } from './sections/wallet.config';
import { UpstreamConfig, readUpstreamConfig } from './sections/upstream.config';
import { Oid4vpConfig, readOid4vpConfig } from './sections/oid4vp.config';
import { TracingConfig, tracingConfig } from './tracing-config';

/**
 * The service's whole configuration: one typed, validated, frozen section per module. Services
 * inject only the sections they read (`constructor(private readonly tokens: TokenConfig)`; see
 * CONFIG_SECTIONS in config.module.ts); the whole object is for what truly needs everything: the
 * start checks (main.ts, app.setup.ts, the ready banner), the admin CLI and tests that build a
 * configuration. `AppConfig.fromEnv` is the only code that reads environment variables.
 */
export class AppConfig {
  readonly server!: ServerConfig;
  readonly database!: DatabaseConfig;
  readonly challenges!: ChallengeConfig;
  readonly tokens!: TokenConfig;
  readonly wallet!: WalletConfig;
  readonly passkeys!: PasskeyConfig;
  readonly oauth!: OAuthConfig;
  readonly rateLimits!: RateLimitConfig;
  readonly clientAuth!: ClientAuthConfig;
  readonly loginThrottle!: LoginThrottleConfig;
  readonly registration!: RegistrationConfig;
  readonly clientMetadata!: ClientMetadataConfig;
  readonly dpop!: DpopConfig;
  readonly par!: ParConfig;
  readonly adminConsole!: AdminConsoleConfig;
  readonly logout!: LogoutConfig;
  readonly ssf!: SsfConfig;
  readonly ciba!: CibaConfig;
  readonly resourceServers!: ResourceServersConfig;
  readonly stepUp!: StepUpConfig;
  readonly operator!: OperatorConfig;
  readonly lab!: LabConfig;
  readonly jwtBearer!: JwtBearerConfig;
  readonly mail!: MailConfig;
  readonly upstream!: UpstreamConfig;
  readonly oid4vp!: Oid4vpConfig;
  /**
   * OpenTelemetry traces; undefined (off, nothing loaded) unless an OTLP endpoint is set. Read by
   * main.ts before Nest starts, so not a section any service injects.
   */
  readonly tracing?: TracingConfig;

  /**
   * Reads and validates every variable before failing, so that an operator sees all the problems
   * of a deployment at once: throws one ConfigError listing each variable's problem. Each section
   * is read by its own reader (src/config/sections), given the sections it derives defaults from.
   *
   * `serves: false` is for the admin CLI, which answers no request: the production preflight of
   * what a served instance exposes (its issuer's scheme, the lab) does not apply to it.
   */
  static fromEnv(vars: Env, { serves = true }: { serves?: boolean } = {}): AppConfig {
    const env = new EnvReader(vars);
    const server = readServerConfig(env);
    const operator = readOperatorConfig(env, server);
    const lab = readLabConfig(env, server);
    const mail = readMailConfig(env, server);
    if (server.isProduction && serves) {
      // The production preflight: settings that are fine on a developer's machine and unsafe on
      // a served instance stop the start (demo data only warns: see DemoUserSeeder).
      for (const refusal of productionRefusals(server, lab, operator)) env.problem(refusal);
      const mailRefusal = mailProductionRefusal(mail);
      if (mailRefusal !== undefined) env.problem(mailRefusal);
    }
    const tracing = env.read((e) => tracingConfig(e), undefined);
    const logout = readLogoutConfig(env, server);
    const config = Object.assign(new AppConfig(), {
      server,
      database: readDatabaseConfig(env, server),
      challenges: readChallengeConfig(env),
      tokens: readTokenConfig(env, server),
      wallet: readWalletConfig(env, server),
      passkeys: readPasskeyConfig(env, server),
      oauth: readOAuthConfig(env, server, logout),
      rateLimits: readRateLimitConfig(env),
      clientAuth: readClientAuthConfig(env),
      loginThrottle: readLoginThrottleConfig(env),
      registration: readRegistrationConfig(env),
      clientMetadata: readClientMetadataConfig(env, server),
      dpop: readDpopConfig(env),
      par: readParConfig(env),
      logout,
      ssf: readSsfConfig(env),
      ciba: readCibaConfig(env, server),
      resourceServers: readResourceServersConfig(env),
      stepUp: readStepUpConfig(env, server),
      operator,
      adminConsole: readAdminConsoleConfig(env),
      lab,
      jwtBearer: readJwtBearerConfig(env, server),
      mail,
      upstream: readUpstreamConfig(env, server),
      oid4vp: readOid4vpConfig(env, server),
      ...(tracing ? { tracing } : {}),
    });
    env.throwIfProblems();
    return Object.freeze(config);
  }
}

/**
 * What a production instance refuses to start with. An `http:` issuer sends codes, tokens and the
 * session cookie in the clear and leaves cookies without `Secure` (OAuth 2.1 §1.5, RFC 9700
 * §2.6: TLS on every endpoint): only ALLOW_INSECURE_ISSUER=true, an explicit choice, lets it
 * through. The lab sends attack traffic from the instance itself: in production only an
 * operator holding ADMIN_TOKEN may start it.
 */
function productionRefusals(
  server: ServerConfig,
  lab: LabConfig,
  operator: OperatorConfig,
): string[] {
  const refusals: string[] = [];
  if (new URL(server.issuer).protocol === 'http:' && !server.allowInsecureIssuer) {
    refusals.push(
      `ISSUER must be an https URL when NODE_ENV=production, got ${server.issuer} (cookies would not be Secure, and codes and tokens would cross the network in clear text); for a local trial only, set ALLOW_INSECURE_ISSUER=true`,
    );
  }
  if (lab.enabled && operator.adminToken === undefined) {
    refusals.push(
      'LAB_ENABLED=true requires ADMIN_TOKEN when NODE_ENV=production: a lab run must present it as a Bearer token',
    );
  }
  return refusals;
}
