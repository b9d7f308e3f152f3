/**
 * A self-registered client's name is its own claim, shown to users on the consent screen. It may
 * not claim to be the service or to stand in for it: no "Proofgate", "first-party" or
 * "official", however spelled (RFC 7591 §5: the server may refuse metadata it deems misleading;
 * RFC 9700 §4.15 on impersonating clients). Operators name their own clients freely
 * (`OAUTH_CLIENTS`, `proofgate-admin clients add`).
 */

/** What a name may not contain, compared by skeleton (see `skeletonOf`). */
const RESERVED_WORDS = ['proofgate', 'firstparty', 'official'];

/**
 * Characters that pass for each Latin letter, from the common entries of the Unicode confusables
 * list (UTS #39): Cyrillic and Greek look-alikes, dotless and small-capital letters, and the
 * digits and signs used in their place. `i`, `l`, `1`, `|` and `!` are one class: each passes
 * for the others.
 */
const LOOK_ALIKE_GROUPS: Readonly<Record<string, string>> = {
  a: 'аαɑᴀ4@',
  b: 'вβ8',
  c: 'сϲ',
  d: 'ԁ',
  e: 'еεҽ3',
  f: 'ƒϝꜰ',
  g: 'ɡɢ69',
  h: 'һн',
  i: 'lіιıɩɪӏ1|!',
  j: 'јȷ',
  k: 'кκ',
  m: 'м',
  n: 'η',
  o: 'оοᴏ0',
  p: 'рρᴘ',
  q: 'ԛ',
  r: 'гʀ',
  s: 'ѕſ5$',
  t: 'тτᴛ7',
  u: 'υ',
  v: 'ν',
  w: 'ԝ',
  x: 'хχ',
  y: 'уγʏ',
};

const LOOK_ALIKES = new Map(
  Object.entries(LOOK_ALIKE_GROUPS).flatMap(([latin, chars]) =>
    [...chars].map((char) => [char, latin] as const),
  ),
);

/**
 * The letters a reader sees in `text`: compatibility forms folded (fullwidth, mathematical
 * letters, ligatures), accents dropped, lower case, look-alikes mapped, and everything that is
 * not a letter (spaces, punctuation, invisible characters) removed, so "P r o o f-g a t e",
 * "Ｐroofgate" and "Prооfgatе" (Cyrillic о and е) all read "proofgate".
 */
export function skeletonOf(text: string): string {
  const folded = text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  let skeleton = '';
  for (const char of folded) {
    const latin = LOOK_ALIKES.get(char) ?? char;
    if (/^[a-z]$/.test(latin)) skeleton += latin;
  }
  return skeleton;
}

const RESERVED_SKELETONS = RESERVED_WORDS.map(skeletonOf);

/** Whether a self-asserted name claims to be the service, first-party or official. */
export function impersonatesService(name: string): boolean {
  const skeleton = skeletonOf(name);
  return RESERVED_SKELETONS.some((word) => skeleton.includes(word));
}
