/**
 * JSON from outside that names a member twice in one object: found by one linear scan, and
 * refused. One scanner for the package's DPoP proofs and for the service, which takes it from
 * here (`@proofgate/resource-server/json-names`), so that what one refuses the other refuses too.
 * A module of no imports.
 */

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const COMMA = 0x2c; // ,

/**
 * The index of the quote that closes the string whose opening quote is at `start` (the text's
 * length if none does, so even text that is not JSON ends the scan).
 */
function closingQuote(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  // A quote after an odd run of backslashes is escaped. Each run is counted once: it lies
  // between this quote and the one before it, so the whole scan stays linear.
  while (end !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return text.length;
}

/**
 * The first member name that appears twice in one object of `text`, at any depth, or undefined.
 * Names are compared as decoded, so `"a"` and `"\u0061"` are the same name (RFC 8259 §8.3).
 *
 * `text` must already be valid JSON (it has been through `JSON.parse`): this is a scanner, not a
 * parser. One pass, no recursion; the names of each open object are kept in a set that is reused
 * for the next object at the same depth, and only a name written with an escape is decoded.
 */
export function duplicateMemberName(text: string): string | undefined {
  // Per open container, outermost first: the names seen so far, or null for an array.
  const open: Array<Set<string> | null> = [];
  // Reused sets, one per depth, so an array of many objects allocates no set per object.
  const spare: Array<Set<string>> = [];
  let names: Set<string> | null = null;
  // The next string is a member name: right after `{`, or after `,` inside an object.
  let nameNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (nameNext && names) {
        let name = text.slice(i + 1, end);
        if (name.includes('\\')) name = JSON.parse(text.slice(i, end + 1)) as string;
        if (names.has(name)) return name;
        names.add(name);
        nameNext = false;
      }
      i = end;
    } else if (c === OPEN_OBJECT) {
      const depth = open.length;
      names = spare[depth] ??= new Set<string>();
      names.clear();
      open.push(names);
      nameNext = true;
    } else if (c === OPEN_ARRAY) {
      names = null;
      open.push(null);
      nameNext = false;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      open.pop();
      names = open.length > 0 ? open[open.length - 1] : null;
      nameNext = false;
    } else if (c === COMMA) {
      nameNext = names !== null;
    }
  }
  return undefined;
}

/** The longest member name a refusal repeats, in characters; a longer one is cut. */
const NAME_SHOWN = 64;

/** A member name for an error description: quoted and escaped as JSON, cut when long. */
export function quotedMemberName(name: string): string {
  const characters = Array.from(name);
  if (characters.length <= NAME_SHOWN) return JSON.stringify(name);
  return `${JSON.stringify(characters.slice(0, NAME_SHOWN).join(''))}…`;
}

/**
 * JSON text refused because one of its objects names a member twice (RFC 8259 §4: names SHOULD
 * be unique; I-JSON, RFC 7493 §2.3: they MUST NOT be duplicated). A SyntaxError, as JSON.parse's
 * own refusals are, so a caller that refuses text that is not JSON refuses this too. Its message
 * is a predicate for the caller's subject (`names member "kid" twice`): a name, never a value.
 */
export class DuplicateMemberName extends SyntaxError {
  constructor(readonly member: string) {
    super(`names member ${quotedMemberName(member)} twice`);
    this.name = 'DuplicateMemberName';
  }
}

/**
 * `JSON.parse(text)`, refusing text one of whose objects names a member twice: JSON.parse keeps
 * the last value silently, while another reader of the same text (a proxy, a wallet, a client
 * library) may keep the first, and act on another document than ours. Throws JSON.parse's
 * SyntaxError for text that is not JSON, and DuplicateMemberName for a repeated name; costs one
 * more linear pass (duplicateMemberName).
 */
export function parseJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  const repeated = duplicateMemberName(text);
  if (repeated !== undefined) throw new DuplicateMemberName(repeated);
  return value;
}
