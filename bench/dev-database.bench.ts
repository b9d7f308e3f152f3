/**
 * Claim latency of the dev/test database (tools/mongo-server) as a `challenges`-like collection
 * grows: the atomic claim of MongoChallengeStore.consume (findOneAndUpdate on `_id` + kind +
 * unclaimed + unexpired + binding, returnDocument before) on a live document, at 1k, 10k and
 * 100k documents, four in five of them stale (expired or claimed) as a dev database without TTL
 * deletion accumulates them. Prints p50/p99 per size.
 *
 * Run: `npx ts-node --transpile-only -P tsconfig.jest.json bench/dev-database.bench.ts`
 * (options: `--samples 2000`, `--h2` for the on-disk backend `npm start` uses).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mongo } from 'mongoose';
import {
  ChallengeCollection,
  ChallengeLike,
  claim,
  createChallengeIndexes,
  percentile,
  seedChallenges,
} from '../test/support/challenge-fixtures';
import { startMongoServer } from '../tools/mongo-server/launch';
import { runScript } from './lib/script';

const argv = process.argv.slice(2);
const SAMPLES = Number(argv[argv.indexOf('--samples') + 1] || 2000);
const ON_DISK = argv.includes('--h2');
const SIZES = [1_000, 10_000, 100_000];
const WARM_UP = 300;
const PER_ROUND = 50;

interface Size {
  total: number;
  collection: ChallengeCollection;
  live: string[];
  samples: number[];
  seedSeconds: number;
}

/** One timed claim of a random live document, which is then made claimable again (untimed). */
async function timedClaim(size: Size): Promise<number> {
  const id = size.live[Math.floor(Math.random() * size.live.length)];
  const now = new Date();
  const started = performance.now();
  const before = await claim(size.collection, id, now);
  const elapsed = performance.now() - started;
  if (before?._id !== id) throw new Error(`claim of ${id} returned ${JSON.stringify(before)}`);
  await size.collection.updateOne({ _id: id }, { $set: { spentAt: null } });
  return elapsed;
}

async function main(): Promise<void> {
  const dir = ON_DISK ? mkdtempSync(join(tmpdir(), 'proofgate-bench-')) : undefined;
  // TTL monitor off: it would delete the expired filler and shrink the collections mid-run.
  const server = await startMongoServer({
    ttlMonitorSeconds: 0,
    h2File: dir && join(dir, 'bench.mv'),
  });
  const client = await mongo.MongoClient.connect(server.uri);
  try {
    const db = client.db('proofgate_bench_dev_database');
    const sizes: Size[] = [];
    for (const total of SIZES) {
      const collection = db.collection<ChallengeLike>(`challenges_${total}`);
      await createChallengeIndexes(collection);
      const started = performance.now();
      const live = await seedChallenges(collection, total);
      const seedSeconds = (performance.now() - started) / 1000;
      sizes.push({ total, collection, live, samples: [], seedSeconds });
    }

    for (let i = 0; i < WARM_UP; i++) for (const size of sizes) await timedClaim(size);
    // Rounds over all sizes, so that drift on a shared machine falls on each alike.
    for (let round = 0; round * PER_ROUND < SAMPLES; round++) {
      const order = round % 2 === 0 ? sizes : [...sizes].reverse();
      for (const size of order) {
        for (let i = 0; i < PER_ROUND && size.samples.length < SAMPLES; i++) {
          size.samples.push(await timedClaim(size));
        }
      }
    }

    const rows = sizes.map((size) => {
      const mean = size.samples.reduce((a, b) => a + b, 0) / size.samples.length;
      return `| ${size.total.toLocaleString('en')} | ${size.samples.length} | ${percentile(size.samples, 50).toFixed(3)} | ${percentile(size.samples, 99).toFixed(3)} | ${(1000 / mean).toFixed(0)} | ${(size.total / size.seedSeconds).toFixed(0)} |`;
    });
    process.stdout.write(
      `Claim latency, mongo-java-server 1.47.0 ${ON_DISK ? 'H2 (on disk)' : 'memory'} backend through tools/mongo-server, one claim in flight\n` +
        `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}\n\n` +
        `| Documents | Claims | p50 (ms) | p99 (ms) | Claims/s (sequential) | Seeding (docs/s) |\n` +
        `|---|---|---|---|---|---|\n${rows.join('\n')}\n`,
    );
  } finally {
    await client.close();
    await server.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

runScript(main);
