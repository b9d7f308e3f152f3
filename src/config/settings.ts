import type { AppConfig } from './app-config';
import type { SettingsSection } from './setting';
import { CHALLENGE_SETTINGS } from './sections/challenges.config';
import { CIBA_SETTINGS } from './sections/ciba.config';
import { CLIENT_AUTH_SETTINGS } from './sections/client-auth.config';
import { CLIENT_METADATA_SETTINGS } from './sections/client-metadata.config';
import { DATABASE_SETTINGS } from './sections/database.config';
import { DPOP_SETTINGS } from './sections/dpop.config';
import { JWT_BEARER_SETTINGS } from './sections/jwt-bearer.config';
import { RESOURCE_SERVERS_SETTINGS } from './sections/resource-servers.config';
import { LAB_SETTINGS } from './sections/lab.config';
import { LOGIN_THROTTLE_SETTINGS } from './sections/login-throttle.config';
import { LOGOUT_SETTINGS } from './sections/logout.config';
import { SSF_SETTINGS } from './sections/ssf.config';
import { MAIL_SETTINGS } from './sections/mail.config';
import { OAUTH_SETTINGS } from './sections/oauth.config';
import { OPERATOR_SETTINGS } from './sections/operator.config';
import { PAR_SETTINGS } from './sections/par.config';
import { ADMIN_CONSOLE_SETTINGS } from './sections/admin-console.config';
import { PASSKEY_SETTINGS } from './sections/passkeys.config';
import { RATE_LIMIT_SETTINGS } from './sections/rate-limits.config';
import { REGISTRATION_SETTINGS } from './sections/registration.config';
import { SERVER_SETTINGS } from './sections/server.config';
import { STEP_UP_SETTINGS } from './sections/step-up.config';
import { TOKEN_SETTINGS } from './sections/tokens.config';
import { WALLET_SETTINGS } from './sections/wallet.config';
import { UPSTREAM_SETTINGS } from './sections/upstream.config';
import { OID4VP_SETTINGS } from './sections/oid4vp.config';
import { TRACING_SETTINGS } from './tracing-config';

/**
 * Every setting of the service, section by section, in the order of the configuration reference
 * (docs/CONFIGURATION.md, written from this by `npm run docs:config`). One entry per section of
 * AppConfig: a section added there without its settings here does not compile.
 */
const BY_SECTION = {
  server: SERVER_SETTINGS,
  database: DATABASE_SETTINGS,
  tokens: TOKEN_SETTINGS,
  challenges: CHALLENGE_SETTINGS,
  oauth: OAUTH_SETTINGS,
  registration: REGISTRATION_SETTINGS,
  clientMetadata: CLIENT_METADATA_SETTINGS,
  clientAuth: CLIENT_AUTH_SETTINGS,
  dpop: DPOP_SETTINGS,
  par: PAR_SETTINGS,
  resourceServers: RESOURCE_SERVERS_SETTINGS,
  stepUp: STEP_UP_SETTINGS,
  jwtBearer: JWT_BEARER_SETTINGS,
  logout: LOGOUT_SETTINGS,
  ssf: SSF_SETTINGS,
  ciba: CIBA_SETTINGS,
  mail: MAIL_SETTINGS,
  wallet: WALLET_SETTINGS,
  passkeys: PASSKEY_SETTINGS,
  upstream: UPSTREAM_SETTINGS,
  oid4vp: OID4VP_SETTINGS,
  rateLimits: RATE_LIMIT_SETTINGS,
  loginThrottle: LOGIN_THROTTLE_SETTINGS,
  operator: OPERATOR_SETTINGS,
  adminConsole: ADMIN_CONSOLE_SETTINGS,
  lab: LAB_SETTINGS,
  tracing: TRACING_SETTINGS,
} as const satisfies { readonly [K in keyof AppConfig]-?: SettingsSection };

export const SETTINGS_SECTIONS: readonly SettingsSection[] = Object.values(BY_SECTION);

/** The name of every environment variable the service reads. */
export const SETTING_NAMES: readonly string[] = SETTINGS_SECTIONS.flatMap((section) =>
  section.settings.map((setting) => setting.name),
);
