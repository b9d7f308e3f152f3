/** Deeper than any request this service defines (its bodies are flat), far below stack limits. */
export const MAX_BODY_DEPTH = 32;

/**
 * Whether objects and arrays in `value` nest more than `limit` levels (the outermost counts as
 * one). Walks with an explicit stack, never recursion, so the check cannot overflow itself.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, depth } = next;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) pending.push({ node: child, depth: depth + 1 });
  }
  return false;
}
