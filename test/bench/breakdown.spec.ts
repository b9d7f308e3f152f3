import { breakdown } from '../../bench/profile/breakdown';
import type { CpuProfile, CpuProfileNode } from '../../bench/profile/inspector-session';
import { mergeSummaries, summarise } from '../../bench/profile/summary';

interface Frame {
  readonly name: string;
  readonly url: string;
  readonly children?: readonly Frame[];
  /** Samples whose leaf is this frame, 100 µs each. */
  readonly samples?: number;
}

/** A CPU profile of `frames` under the root, each sample 100 µs long. */
function profileOf(frames: readonly Frame[]): CpuProfile {
  const nodes: CpuProfileNode[] = [];
  const samples: number[] = [];
  const add = (frame: Frame): number => {
    const id = nodes.length + 1;
    const node = {
      id,
      callFrame: { functionName: frame.name, url: frame.url, lineNumber: 9, columnNumber: 0 },
      children: [] as number[],
    };
    nodes.push(node);
    for (let i = 0; i < (frame.samples ?? 0); i++) samples.push(id);
    for (const child of frame.children ?? []) node.children.push(add(child));
    return id;
  };
  add({ name: '(root)', url: '', children: frames });
  // A sample's time is the delta to the next one: one more delta than samples.
  return {
    nodes,
    startTime: 0,
    endTime: 100 * samples.length,
    samples,
    timeDeltas: [0, ...samples.map(() => 100)],
  };
}

const DIST = 'file:///repo/dist-bench-b';
const MODULES = 'file:///repo/node_modules';

describe('breakdown', () => {
  const profile = profileOf([
    {
      name: 'handle',
      url: `${DIST}/oauth/token/token.endpoint.js`,
      samples: 1,
      children: [
        {
          name: 'redeem',
          url: `${DIST}/challenges/persistence/mongo-challenge.store.js`,
          children: [
            { name: 'writeBuffer', url: '', samples: 3 },
            { name: 'serialize', url: `${MODULES}/bson/lib/bson.cjs`, samples: 2 },
          ],
        },
        {
          name: 'signCompactJws',
          url: `${DIST}/tokens/compact-jws.js`,
          children: [{ name: 'signOneShot', url: 'node:internal/crypto/sig', samples: 4 }],
        },
      ],
    },
    { name: 'onStreamRead', url: 'node:internal/stream_base_commons', samples: 1 },
    { name: '(garbage collector)', url: '', samples: 2 },
    { name: '(idle)', url: '', samples: 5 },
  ]);

  it('books each sample to the innermost frame a category names, idle to none', () => {
    const { categories } = breakdown(profile);
    expect(Object.fromEntries(categories)).toEqual({
      // The socket write and the BSON under the store's redeem, inside the token endpoint.
      "database (driver, BSON, the store's code)": 500,
      // node:crypto inside the JWS: the JWS is the innermost named frame.
      "signing (JWS, the token's claims)": 400,
      'grant and token handlers (src/oauth, src/tokens)': 100,
      'Node core (net, streams, timers, microtasks)': 100,
      'garbage collector': 200,
    });
  });

  it("keeps each category's leaf functions", () => {
    const database = breakdown(profile).functions.get("database (driver, BSON, the store's code)");
    expect(database?.get('writeBuffer :10')).toBe(300);
    expect(database?.get('serialize bson/lib/bson.cjs:10')).toBe(200);
  });
});

describe('mergeSummaries', () => {
  it("adds up the workers' profiles, row by row", () => {
    const worker = (samples: number) =>
      summarise(
        profileOf([
          { name: 'startGrant', url: `${DIST}/tokens/grants/grant-token.issuer.js`, samples },
          { name: '(idle)', url: '', samples: 1 },
        ]),
      );
    const merged = mergeSummaries([worker(2), worker(3)]);
    expect(merged.busyUs).toBe(500);
    expect(merged.sampledUs).toBe(700);
    expect(merged.components.find((row) => row.name === 'proofgate tokens/grants')).toEqual({
      name: 'proofgate tokens/grants',
      selfUs: 500,
      totalUs: 500,
    });
  });
});
