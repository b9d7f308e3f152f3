import { DuplicateMemberName, duplicateMemberName, parseJson } from './json-names';

/** The scanner's precondition: the text is valid JSON. */
function scan(text: string): string | undefined {
  JSON.parse(text);
  return duplicateMemberName(text);
}

describe('duplicateMemberName', () => {
  it('finds none where each object names each member once', () => {
    for (const text of [
      '{}',
      '[]',
      ' { } ',
      '[{},[],{}]',
      '{"a":1,"b":[1,2,{"c":null}],"d":{"e":true}}',
      '{"a":{"x":1},"b":{"x":2}}',
      '[{"a":1},{"a":2}]',
      '{"a":[{"a":{"a":1}}]}',
      '{"a":{"b":1},"b":2}',
      '{"a":"b","b":"a"}',
    ]) {
      expect(scan(text)).toBeUndefined();
    }
  });

  it('finds a member named twice at the top', () => {
    expect(scan('{"scope":"a","scope":"b"}')).toBe('scope');
    expect(scan('{ "a" : 1 , "b" : 2 , "a" : 3 }')).toBe('a');
    expect(scan('{"a":{"x":1},"a":2}')).toBe('a');
  });

  it('finds a member named twice deep inside, and the first one repeated', () => {
    expect(scan('{"a":[1,{"b":{"c":[{"d":1,"e":2,"d":3}]}}]}')).toBe('d');
    expect(scan('[[[{"x":1}],[{"y":1,"y":2}]]]')).toBe('y');
    expect(scan('{"a":{"b":1,"b":2},"a":3}')).toBe('b');
    expect(scan('{"c":1,"d":{},"d":2,"c":3}')).toBe('d');
  });

  it('forgets the names of an object once it closes, and of its sibling', () => {
    expect(scan('{"a":{"b":1},"c":{"b":2},"b":3}')).toBeUndefined();
    expect(scan('[{"a":1,"b":2},{"b":1,"a":2},{"c":1,"c":2}]')).toBe('c');
  });

  it('compares names as decoded: an escape names the same member as the letter', () => {
    expect(scan('{"a":1,"\\u0061":2}')).toBe('a');
    expect(scan('{"\\u0061":1,"a":2}')).toBe('a');
    expect(scan('{"\\u0061":1,"\\u0041":2}')).toBeUndefined();
    expect(scan('{"a/b":1,"a\\/b":2}')).toBe('a/b');
    expect(scan('{"\\n":1,"\\u000a":2}')).toBe('\n');
  });

  it('reads names holding escaped quotes and backslashes', () => {
    expect(scan('{"a\\"":1,"a":2}')).toBeUndefined();
    expect(scan('{"a\\"":1,"a\\u0022":2}')).toBe('a"');
    expect(scan('{"a\\\\":1,"a":2}')).toBeUndefined();
    expect(scan('{"a\\\\":1,"a\\u005c":2}')).toBe('a\\');
    expect(scan('{"\\\\\\"":1,"x":{"\\\\\\"":2}}')).toBeUndefined();
    expect(scan('{"\\\\":{"\\\\":1},"\\\\":2}')).toBe('\\');
  });

  it('does not read a string value as a member name, whatever it holds', () => {
    expect(scan('{"a":"\\"a\\":1"}')).toBeUndefined();
    expect(scan('{"a":"\\"a\\":1,\\"a\\":2"}')).toBeUndefined();
    expect(scan('{"a":"{\\"b\\":1,\\"b\\":2}"}')).toBeUndefined();
    expect(scan('{"a":"\\\\","b":"a","c":"\\\\\\""}')).toBeUndefined();
    expect(scan('["a","a",{"a":"a"}]')).toBeUndefined();
    expect(scan('{"a":["b","b"],"b":["a","a"]}')).toBeUndefined();
  });

  it('compares names beyond ASCII exactly, astral characters and their escapes alike', () => {
    expect(scan('{"é":1,"e\u0301":2}')).toBeUndefined();
    expect(scan('{"é":1,"\\u00e9":2}')).toBe('é');
    expect(scan('{"😀":1,"\\ud83d\\ude00":2}')).toBe('😀');
    expect(scan('{"名前":1,"名前":2}')).toBe('名前');
  });

  it('agrees with a reference on random documents with and without repeated names', () => {
    const random = seeded(20261130);
    for (let round = 0; round < 2000; round++) {
      const { text, duplicate } = randomDocument(random);
      expect({ text, found: scan(text) }).toEqual({ text, found: duplicate });
    }
  });

  it('scans in linear time: many small objects, escaped quotes, long runs of backslashes', () => {
    const objects = Array.from({ length: 50_000 }, (_, i) => `{"a":${i},"b":"\\"a\\""}`);
    for (const text of [
      `[${objects.join(',')}]`,
      `{"a":"${'\\"'.repeat(500_000)}","b":1}`,
      `{"a":"${'\\\\'.repeat(500_000)}","b":1,"${'\\\\'.repeat(500_000)}":2}`,
    ]) {
      const started = process.hrtime.bigint();
      expect(scan(text)).toBeUndefined();
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
    }
  });
});

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['a', 'b', '"', '\\', 'a"b', 'é', '😀', ''];

/** `value` as a JSON string, each character written plainly or as a `\u` escape at random. */
function quoted(value: string, random: () => number): string {
  let out = '"';
  for (const unit of value.split('')) {
    const plain = JSON.stringify(unit).slice(1, -1);
    const escaped = `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
    out += random() < 0.5 ? plain : escaped;
  }
  return `${out}"`;
}

/**
 * A random document written by hand (so an object may name a member twice), and the first
 * repeated name in the order a reader meets it: what the scanner must answer.
 */
function randomDocument(random: () => number): { text: string; duplicate?: string } {
  let duplicate: string | undefined;
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const value = (depth: number): string => {
    const roll = random();
    if (depth > 4 || roll < 0.3) return pick(['1', 'true', 'null', quoted(pick(NAMES), random)]);
    if (roll < 0.5) {
      const items = Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return `[${items.join(',')}]`;
    }
    const seen = new Set<string>();
    const members: string[] = [];
    for (let n = Math.floor(random() * 4); n > 0; n--) {
      const name = pick(NAMES);
      if (seen.has(name)) duplicate ??= name;
      seen.add(name);
      members.push(`${quoted(name, random)} : ${value(depth + 1)}`);
    }
    return `{${members.join(' ,')}}`;
  };
  const text = random() < 0.5 ? `{"top":${value(0)}}` : `[${value(0)}]`;
  return { text, duplicate };
}

describe('parseJson', () => {
  it('reads JSON whose objects name each member once, as JSON.parse does', () => {
    expect(parseJson('{"a":{"x":1},"b":[{"x":2},{"x":3}]}')).toEqual({
      a: { x: 1 },
      b: [{ x: 2 }, { x: 3 }],
    });
    expect(parseJson('"text"')).toBe('text');
  });

  it('refuses a member named twice, naming it (a SyntaxError, as text that is not JSON is)', () => {
    let refusal: unknown;
    try {
      parseJson('{"keys":[{"kid":"a","kid":"b"}]}');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DuplicateMemberName);
    expect(refusal).toBeInstanceOf(SyntaxError);
    expect((refusal as DuplicateMemberName).member).toBe('kid');
    expect((refusal as Error).message).toBe('names member "kid" twice');
  });

  it("throws JSON.parse's own SyntaxError for text that is not JSON", () => {
    expect(() => parseJson('{"a":')).toThrow(SyntaxError);
    expect(() => parseJson('{"a":')).not.toThrow(DuplicateMemberName);
  });
});
