import { Reply, field } from './http';

/** What a row's scenario must produce, and what it got, in the words of the table. */
export interface Outcome {
  expected: string;
  answered: string;
  passed: boolean;
}

/** An `{error, error_description}` answer (RFC 6749 §5.2) the spec requires. */
export interface ErrorAnswer {
  status: number;
  error: string;
  /** Required verbatim when given (the README fixes some texts). */
  description?: string;
}

/** A precondition of a scenario failed (e.g. no code to steal): the row fails with this text. */
export class LabStepFailed extends Error {}

export function describeError(expected: ErrorAnswer): string {
  const text = `${expected.status} ${expected.error}`;
  return expected.description ? `${text} "${expected.description}"` : text;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

/** A field of an error page (`<dd id="error">…</dd>`), as the service writes one for a browser. */
function pageField(reply: Reply, id: string): string | undefined {
  const found = new RegExp(`<dd id="${id}">([^<]*)</dd>`).exec(reply.text)?.[1];
  return found?.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]);
}

/** The error a reply names: the JSON envelope's, or the same two fields of an error page. */
function errorOf(reply: Reply): { error?: string; description?: string } {
  const error = field(reply.json, 'error');
  if (error) return { error, description: field(reply.json, 'error_description') };
  return { error: pageField(reply, 'error'), description: pageField(reply, 'error_description') };
}

/** "400 invalid_grant "PKCE verification failed"", or just the status for non-error bodies. */
export function describeReply(reply: Reply): string {
  const { error, description } = errorOf(reply);
  if (!error) return String(reply.status);
  return description ? `${reply.status} ${error} "${description}"` : `${reply.status} ${error}`;
}

export function matchesError(reply: Reply, expected: ErrorAnswer): boolean {
  const { error, description } = errorOf(reply);
  return (
    reply.status === expected.status &&
    error === expected.error &&
    (expected.description === undefined || description === expected.description)
  );
}

/** One request whose answer must be exactly this error. */
export function errorOutcome(reply: Reply, expected: ErrorAnswer): Outcome {
  return {
    expected: describeError(expected),
    answered: describeReply(reply),
    passed: matchesError(reply, expected),
  };
}

/** A request that must answer this status: "<label> 200" expected, "<label> <answer>" answered. */
export function statusOutcome(label: string, reply: Reply, status: number): Outcome {
  return {
    expected: `${label} ${status}`,
    answered: `${label} ${describeReply(reply)}`,
    passed: reply.status === status,
  };
}

/** Several checks read as one row: "a; b" on both sides, passing only if every part passes. */
export function allOf(...parts: Outcome[]): Outcome {
  return {
    expected: parts.map((p) => p.expected).join('; '),
    answered: parts.map((p) => p.answered).join('; '),
    passed: parts.every((p) => p.passed),
  };
}

export interface RaceRules {
  loser: ErrorAnswer;
  /**
   * What a loser may answer instead once the challenge's lifetime has run out mid-race (the
   * service checks expiry before use): still a refusal, only for another reason.
   */
  expired: ErrorAnswer[];
  /** Whether the race ended after the challenge's lifetime, by the lab's clock. */
  outlastedLifetime: boolean;
}

/** N concurrent redemptions of one challenge: exactly one winner, every loser refused. */
export function raceOutcome(replies: Reply[], rules: RaceRules, elapsedMs: number): Outcome {
  const counts = new Map<string, number>();
  for (const reply of replies) {
    const key = describeReply(reply);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const accepted = rules.outlastedLifetime ? [rules.loser, ...rules.expired] : [rules.loser];
  const winners = replies.filter((r) => r.status === 200).length;
  const losersOk = replies
    .filter((r) => r.status !== 200)
    .every((r) => accepted.some((answer) => matchesError(r, answer)));
  const orExpired = rules.expired.length
    ? ` (${rules.expired.map((e) => e.error).join(' or ')} if past the lifetime)`
    : '';
  return {
    expected: `exactly one 200 of ${replies.length}; the rest ${describeError(rules.loser)}${orExpired}`,
    answered: `${[...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, count]) => `${count}× ${key}`)
      .join(', ')} (in ${elapsedMs} ms)`,
    passed: winners === 1 && losersOk,
  };
}
