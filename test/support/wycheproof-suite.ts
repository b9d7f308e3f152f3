/**
 * What every verify layer's run of Project Wycheproof's vectors must show, whatever the proof: the
 * test-side frame of a `*.wycheproof.spec.ts`. A spec names its layers (each a verdict over one
 * file) and calls `checkWycheproof(layers)` inside its describe, which runs them once and checks
 * each for defects and, where docs/SECURITY.md has its row, for the counts stated there; the spec
 * then checks what is its proof's own (the rules a valid vector is refused by, the `acceptable`
 * answers, two implementations answering alike) on the outcomes it returns.
 */
import {
  type WycheproofFile,
  type WycheproofOutcome,
  documentedTally,
  runWycheproof,
} from './wycheproof-vectors';

/** One file's vectors through one verdict of the layer under test. */
export interface WycheproofLayer {
  /** The run's name in the spec: an algorithm, an implementation. */
  readonly name: string;
  readonly file: WycheproofFile;
  readonly verdict: Parameters<typeof runWycheproof>[1];
  /** The Proof cell of the docs/SECURITY.md row that counts this run, if one does. */
  readonly documented?: string;
}

/**
 * Runs every layer (in a beforeAll, after the spec's own) and checks each: every valid vector
 * verified or refused by a named rule, every invalid one refused, nothing thrown but a typed
 * refusal; and a documented run's tally the one docs/SECURITY.md states. The outcomes, by name,
 * are there once the tests run.
 */
export function checkWycheproof(
  layers: readonly WycheproofLayer[],
): ReadonlyMap<string, WycheproofOutcome> {
  const outcomes = new Map<string, WycheproofOutcome>();
  beforeAll(async () => {
    for (const { name, file, verdict } of layers) {
      outcomes.set(name, await runWycheproof(file, verdict));
    }
  });

  it.each(layers.map(({ name }) => name))(
    '%s: every valid vector verifies or is refused by a named rule, every invalid one is refused',
    (name) => {
      expect(outcomes.get(name)!.defects).toEqual([]);
    },
  );

  const documented = layers.flatMap(({ name, file, documented: proof }) =>
    proof === undefined ? [] : [[name, proof, file] as const],
  );
  if (documented.length > 0) {
    it.each(documented)('%s has the counts docs/SECURITY.md states', (name, proof, file) => {
      expect(outcomes.get(name)!.tally).toEqual(documentedTally({ proof, file }));
    });
  }
  return outcomes;
}
