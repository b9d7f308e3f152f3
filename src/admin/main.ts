import { runAdminCli } from './admin-cli';
import { withAdminContext } from './admin-context';

/** `proofgate-admin` (bin/proofgate-admin in the image, `npm run admin --` in development). */
void runAdminCli(process.argv.slice(2), {
  io: { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
  withContext: withAdminContext,
}).then((code) => {
  // Exit explicitly: a start that failed half-way may have left the database connection open.
  // stdout and stderr are synchronous for files, pipes and terminals on POSIX, so nothing is lost.
  process.exit(code);
});
