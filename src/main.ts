// First: tracing, when configured, must patch http and mongodb before anything loads them.
import './platform/tracing/preload';
import { loadConfigOrExit } from './config/load-config';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  // Each step loads what it needs once the one before passed: the database driver, then the
  // application's modules (~3,400 with their dependencies, ~1.5 s of CPU). A start refused for a
  // setting or an unreachable database ends in a fraction of that: a crash-looping container with
  // a bad setting costs little, and says why at once.
  const { databaseUnreachable } = await import('./platform/database/database-preflight.js');
  const unreachable = await databaseUnreachable(config.database);
  if (unreachable) {
    process.stderr.write(`${unreachable}\n`);
    process.exit(1);
  }
  const { startApp } = await import('./app.start.js');
  await startApp(config);
}

void bootstrap();
