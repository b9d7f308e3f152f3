// First: tracing, when configured, must patch http and mongodb before anything loads them.
import './platform/tracing/preload';
import { loadConfigOrExit } from './config/load-config';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  // Each step loads what it needs once the one before passed: the database driver, then the
  // application's modules (~3,000 with their dependencies, ~1.5 s of CPU). A start refused for a
  // setting, an unreachable database or a taken PORT ends in a fraction of that: a crash-looping
  // container with a bad setting costs little, and says why at once.
  const { databaseUnreachable } = await import('./platform/database/database-preflight.js');
  const { portUnavailable } = await import('./platform/startup/port-preflight.js');
  const refused = (await databaseUnreachable(config.database)) ?? (await portUnavailable(config));
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
