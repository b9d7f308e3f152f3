/**
 * Items as a sentence writes them: `a`, `a and b`, `a, b and c` (or `or`). The texts that name
 * every chain or proof build their lists from the registries with it, never by hand.
 */
export function wordList(items: readonly string[], conjunction: 'and' | 'or'): string {
  if (items.length < 2) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}
