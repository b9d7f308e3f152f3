/**
 * `npm start` runs this before it builds anything or starts the embedded database, so that a
 * start which cannot succeed ends within a few seconds with one line per problem: every invalid
 * variable, a taken PORT, and (when MONGODB_URI is set) a database that does not answer. The
 * service itself checks the same again (src/main.ts); this only moves the verdict to the front.
 *
 *   node dist/platform/startup/start-check.js [--embedded-database]
 *
 * With --embedded-database the launcher will start the database itself: there is nothing to ping.
 */
import { startRefusals } from './start-refusals';

async function main(): Promise<void> {
  const embedded = process.argv.includes('--embedded-database');
  const lines = await startRefusals(process.env, embedded);
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(lines.length === 0 ? 0 : 1);
}

void main();
