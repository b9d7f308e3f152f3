import { EnvReader } from '../env-reader';
import { ServerConfig } from './server.config';
import { BOOLEAN, setting, settingsSection, text, whole } from '../setting';

/** What operators see: /metrics, /docs, the live figures, and the token that opens them. */
export abstract class OperatorConfig {
  /** Bearer token for operator views (/challenge-models/live in production); unset: none. */
  abstract readonly adminToken?: string;
  /**
   * Serve /metrics and /docs (with /docs-json) to anyone. When off, only a request carrying
   * `Authorization: Bearer <ADMIN_TOKEN>` gets them, and without an ADMIN_TOKEN nobody does.
   * On by default outside production, off in production.
   */
  abstract readonly metricsEnabled: boolean;
  abstract readonly docsEnabled: boolean;
  /** How long the admin audit trail keeps a record (issue #77), in days. */
  abstract readonly adminAuditRetentionDays: number;
}

/** The settings this section reads, each declared once for its reader and the reference. */
export const OPERATOR_SETTINGS = settingsSection(
  'Operator views',
  '`/metrics`, `/docs`, the live challenges, and the token that opens them.',
  {
    adminToken: setting({
      name: 'ADMIN_TOKEN',
      type: text('a secret of 32 characters or more'),
      default: { unset: 'none' },
      description:
        'Required to read `/challenge-models/live` in production, and `/metrics` or `/docs` ' +
        'wherever they are not enabled.',
    }),
    metricsEnabled: setting({
      name: 'METRICS_ENABLED',
      type: BOOLEAN,
      default: true,
      defaultNote: 'outside production, `false` in production',
      description:
        'Serve `/metrics` to anyone. When `false`, only to `Authorization: Bearer <ADMIN_TOKEN>` ' +
        '(`401 invalid_token` without it), and not at all (`404`) if `ADMIN_TOKEN` is unset.',
    }),
    docsEnabled: setting({
      name: 'DOCS_ENABLED',
      type: BOOLEAN,
      default: true,
      defaultNote: 'outside production, `false` in production',
      description: 'The same rule for `/docs`, `/docs-json` and `/docs-yaml`.',
    }),
    adminAuditRetentionDays: setting({
      name: 'ADMIN_AUDIT_RETENTION_DAYS',
      type: whole(1),
      default: 400,
      description:
        'How long the admin audit trail (every admin write through the admin API or ' +
        '`proofgate-admin`, `GET /admin/v1/audit`) keeps a record: a TTL index deletes it after ' +
        'that many days (MongoDB deletes expired records about once a minute).',
    }),
  },
);

export function readOperatorConfig(env: EnvReader, server: ServerConfig): OperatorConfig {
  const adminToken = env.get(OPERATOR_SETTINGS.declared.adminToken, undefined);
  if (adminToken !== undefined && adminToken.length < 32) {
    env.problem('ADMIN_TOKEN must be at least 32 characters');
  }
  return Object.freeze({
    ...(adminToken ? { adminToken } : {}),
    metricsEnabled: env.get(OPERATOR_SETTINGS.declared.metricsEnabled, !server.isProduction),
    docsEnabled: env.get(OPERATOR_SETTINGS.declared.docsEnabled, !server.isProduction),
    adminAuditRetentionDays: env.get(OPERATOR_SETTINGS.declared.adminAuditRetentionDays),
  });
}
