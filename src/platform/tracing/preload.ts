/**
 * The first import of src/main.ts: starts tracing, when configured, before the modules it
 * instruments (http through Fastify, mongodb through mongoose) are loaded. Off, it loads nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { processTracingConfig } from '../../config/tracing-config';
import { startTracing } from './tracing';

/** The service's version (the resource's service.version), from the package.json above this file. */
function packageVersion(): string {
  // src/platform/tracing, dist/platform/tracing, or a build of a test under .build/.
  for (let dir = __dirname, up = 0; up < 6; dir = dirname(dir), up++) {
    const file = join(dir, 'package.json');
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

const config = processTracingConfig();
if (config) startTracing(config, packageVersion());
