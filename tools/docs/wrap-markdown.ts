/**
 * Markdown prose wrapped to a width, as the hand-written pages are: words filled greedily, never
 * a line break inside a code span (the specs that read pages find `METHOD /path` and setting
 * names in spans of one line). A paragraph may be a list: each line starting `- ` is an item,
 * continued two spaces in.
 */
export function wrapMarkdown(paragraph: string, width: number): string[] {
  const items: string[] = [];
  for (const line of paragraph.split('\n')) {
    if (line.startsWith('- ') || items.length === 0) items.push(line.trim());
    else items[items.length - 1] += ` ${line.trim()}`;
  }
  return items.flatMap((item) =>
    item.startsWith('- ')
      ? fill(wordsOf(item.slice(2)), width, '- ', '  ')
      : fill(wordsOf(item), width, '', ''),
  );
}

/** The words of `text`: split at spaces outside code spans. */
function wordsOf(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inCode = false;
  for (const char of text) {
    if (char === '`') inCode = !inCode;
    if (char === ' ' && !inCode) {
      if (current !== '') words.push(current);
      current = '';
    } else current += char;
  }
  if (current !== '') words.push(current);
  return words;
}

function fill(words: string[], width: number, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  if (!empty) lines.push(line);
  return lines;
}
