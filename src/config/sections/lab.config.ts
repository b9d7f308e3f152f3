import { EnvReader } from '../env-reader';
import { ServerConfig } from './server.config';
import { BOOLEAN, setting, settingsSection } from '../setting';

export abstract class LabConfig {
  /**
   * The /lab page may run the attack scenarios against this instance (off in production; there,
   * only with an ADMIN_TOKEN, which every run must present).
   */
  abstract readonly enabled: boolean;
}

/** The settings this section reads, each declared once for its reader and the reference. */
export const LAB_SETTINGS = settingsSection(
  'Attack lab',
  'The lab at `/lab` (see [The challenge models compared](CHALLENGE-MODELS.md#the-attack-lab)).',
  {
    enabled: setting({
      name: 'LAB_ENABLED',
      type: BOOLEAN,
      default: true,
      defaultNote: 'outside production, `false` in production',
      description:
        'Serve `/lab` (it runs attack traffic against this instance). In production it requires ' +
        '`ADMIN_TOKEN` (the start is refused without it), and each run `Authorization: Bearer ' +
        '<ADMIN_TOKEN>` (the page asks for it).',
    }),
  },
);

export function readLabConfig(env: EnvReader, server: ServerConfig): LabConfig {
  return Object.freeze({ enabled: env.get(LAB_SETTINGS.declared.enabled, !server.isProduction) });
}
