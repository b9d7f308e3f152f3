import type { LabPlan, LabPlannedWait, LabScenario, LabWait } from '../../src/lab-client/scenarios';

/** What each wait is for, as a person reads it. */
const WAITED_FOR: Record<LabWait['challenge'], string> = {
  code: 'the authorization code to expire',
  nonce: 'the SIWE nonce to expire',
  request_uri: "PAR's request_uri to expire",
  login: "the lab's login to be no longer recent",
};

/** `45 s`, `5 min`, `5 min 1 s`. */
export function duration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes === 0) return `${rest} s`;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

/** A moment of today as the clock on the wall shows it: `14:03:12`. */
export function clockTime(at: Date): string {
  return at.toLocaleTimeString('en-GB', { hour12: false });
}

const rowNames = (rows: readonly LabScenario[]) => rows.map((row) => row.scenario).join(', ');

/** Every row a plan's waits hold back. */
export function waitingRows(plan: LabPlan): LabScenario[] {
  return plan.waits.flatMap((wait) => wait.rows);
}

function waitLine(wait: LabPlannedWait): string {
  return `  ${duration(wait.seconds)} (${wait.source}) for ${WAITED_FOR[wait.challenge]}: ${rowNames(wait.rows)}`;
}

/**
 * Before the first row: how long the run takes at least and why (each wait, the lifetime the
 * service states and where it was read), or, quick, which rows it skips and what they would cost.
 */
export function planText(plan: LabPlan, quick: boolean): string {
  const rows = waitingRows(plan).length;
  const least = duration(plan.leastSeconds);
  if (quick) {
    return [
      `--quick: skipping the ${rows} rows that wait for the service's real lifetimes (at least ${least}):`,
      ...plan.waits.map(waitLine),
      '',
    ].join('\n');
  }
  return [
    `This run takes at least ${least}: the rows below wait until a challenge has expired (its lifetime`,
    'and a second), while the other rows run. Add --quick to skip them.',
    ...plan.waits.map(waitLine),
    '',
  ].join('\n');
}

/** As a wait starts: which it is, how long and until when. */
export function waitText(wait: LabWait, now: Date): string {
  const until = new Date(now.getTime() + wait.seconds * 1000);
  return `Waiting ${duration(wait.seconds)}, until ${clockTime(until)}, for ${WAITED_FOR[wait.challenge]}...\n`;
}

/** After the summary of a quick run: what it did not run. */
export function skippedText(plan: LabPlan): string {
  return `Skipped (--quick): ${rowNames(waitingRows(plan))}. Run without --quick for them.`;
}
