// First: tracing, when configured, must patch http and mongodb before anything loads them.
import './platform/tracing/preload';
import cluster from 'node:cluster';
import { loadConfigOrExit } from './config/load-config';
import type { AppConfig } from './config/app-config';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  // Each step loads what it needs once the one before passed: the database driver, then the
  // application's modules (~3,000 with their dependencies, ~1.5 s of CPU). A start refused for a
  // setting, an unreachable database or a taken PORT ends in a fraction of that: a crash-looping
  // container with a bad setting costs little, and says why at once.
  const databaseRefused = async () =>
    (await import('./platform/database/database-preflight.js')).databaseUnreachable(
      config.database,
    );
  const portRefused = async () =>
    (await import('./platform/startup/port-preflight.js')).portUnavailable(config);
  // A worker of a WORKERS instance: its primary checked the port, and the port is its now.
  if (cluster.isWorker) return serve(config, await databaseRefused());
  const { usableCpus } = await import('./platform/cluster/usable-cpus.js');
  const workers = config.server.workers === 'auto' ? usableCpus() : config.server.workers;
  if (workers === 1) {
    return serve(config, (await databaseRefused()) ?? (await portRefused()));
  }
  const refused = await portRefused();
  if (refused) refuse(refused);
  // The primary of several workers serves nothing and loads neither the driver nor the modules:
  // its first worker checks the database and migrates, as a single process would, then the others
  // start (src/platform/cluster/primary.ts).
  const { ClusterPrimary } = await import('./platform/cluster/primary.js');
  const primary = new ClusterPrimary(config.server, workers);
  primary.start();
  process.exit(await primary.exited);
}

/** Unless a preflight `refused` it, this process serves: the application's modules load, and it listens. */
async function serve(config: AppConfig, refused: string | undefined): Promise<void> {
  if (refused) refuse(refused);
  const { startApp } = await import('./app.start.js');
  const failed = await startApp(config);
  if (failed) refuse(failed);
}

/** Ends a start that cannot go on, with the lines that say why and what to do: nothing else. */
function refuse(lines: string): never {
  process.stderr.write(`${lines}\n`);
  process.exit(1);
}

void bootstrap();
