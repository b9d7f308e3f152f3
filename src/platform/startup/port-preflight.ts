import { createServer } from 'node:net';
import type { AppConfig } from '../../config/app-config';
import { listenFailure } from './ready-banner';

/**
 * Binds the service's address for a moment: resolves to the line that says why it cannot (a
 * taken PORT, a HOST not of this machine), or undefined. The listen itself fails the same way if
 * the address is taken in between.
 */
export function portUnavailable(config: AppConfig): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error) => resolve(listenFailure(error, config) ?? String(error)));
    probe.listen({ port: config.server.port, host: config.server.host, exclusive: true }, () => {
      probe.close(() => resolve(undefined));
    });
  });
}
