/**
 * The shell blocks of docs/ as a reader copies them, and a bash to run them in: the specs that
 * run a page's commands as written (curl, jq, npm) against the service on a real port.
 */
import { spawn, spawnSync } from 'node:child_process';
import { doc } from './docs';
import { type ScriptRun, runToEnd } from './processes';
import { ROOT } from './readme';

/** The first ```bash block after `heading`, a line of docs/`page` (whole). */
export function bashBlockAfter(page: string, heading: string): string {
  const text = doc(page);
  const at = text.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`docs/${page}: no heading "${heading}"`);
  const block = /```bash\n([\s\S]*?)```/.exec(text.slice(at))?.[1];
  if (!block) throw new Error(`docs/${page}: no bash block under "${heading}"`);
  return block;
}

/** The page's one `export PROOFGATE_URL=<npm start's address>` line, which the specs leave out. */
export const EXPORT_LOCAL_URL = /^export PROOFGATE_URL=http:\/\/localhost:25000 .*\n/m;

/** Of `tools`, those this machine has not installed (a spec that needs one is reported skipped). */
export function missingTools(tools: readonly string[]): string[] {
  return tools.filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0,
  );
}

/**
 * `script` run by bash with `set -euo pipefail`, in `cwd`, with the test's environment and `env`;
 * killed after `timeoutMs` (a page's loop that waits for what never comes ends with the test).
 * Not spawnSync: the service answering the script's curl runs in the calling process.
 */
export function runBash(
  script: string,
  {
    cwd = ROOT,
    env = {},
    timeoutMs = 60_000,
  }: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ScriptRun> {
  const bash = spawn('bash', ['-c', `set -euo pipefail\n${script}`], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
  });
  return runToEnd(bash);
}
