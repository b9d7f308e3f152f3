/**
 * Benchmarks the two redemption paths end to end over HTTP: POST /token (authorization code +
 * PKCE) and POST /wallet/verify (SIWE), on the in-memory mongo-java-server, and writes the
 * results to docs/BENCHMARKS.md. Run: `npm run bench` (optionally `-- --n 2000 --concurrency 16`).
 *
 * Client-side work (PKCE pairs, wallet signatures) is done before the clock starts, so the
 * figures are the service's: HTTP, client authentication, the atomic consume, grant and token
 * issuing (ES256 signature), and for SIWE the parse, policy checks and signature recovery.
 */
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { AppModule } from '../src/app.module';
import { APP_OPTIONS, configureApp } from '../src/app.setup';
import { AuthorizationCodeService } from '../src/oauth/authorize/authorization-code.service';
import { startMongoServer } from '../tools/mongo-server/launch';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i], process.argv[i + 1]);
const N = Number(args.get('--n') ?? 1000);
const CONCURRENCY = Number(args.get('--concurrency') ?? 16);

interface Result {
  name: string;
  n: number;
  seconds: number;
  latencies: number[];
  rssMiB: number;
  heapMiB: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(name: string, jobs: (() => Promise<void>)[]): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        const t0 = performance.now();
        await job();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const memory = process.memoryUsage();
  return {
    name,
    n: jobs.length,
    seconds,
    latencies: latencies.sort((a, b) => a - b),
    rssMiB: memory.rss / 2 ** 20,
    heapMiB: memory.heapUsed / 2 ** 20,
  };
}

async function main(): Promise<void> {
  const database = await startMongoServer();
  const port = 25000 + Math.floor(Math.random() * 1000) + 1000;
  const base = `http://127.0.0.1:${port}`;
  // AppConfig reads the environment when the application is created, below.
  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MONGODB_URI: `${database.uri}/proofgate_bench_test`,
    ISSUER: base,
    PORT: String(port),
    RATE_LIMIT_TOKEN_PER_IP: '1000000',
    RATE_LIMIT_TOKEN_PER_CLIENT: '1000000',
    RATE_LIMIT_WALLET_PER_IP: '1000000',
    RATE_LIMIT_WALLET_PER_ADDRESS: '1000000',
  });
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    ...APP_OPTIONS,
    logger: false,
  });
  configureApp(app);
  await app.listen(port, '127.0.0.1');

  try {
    // PKCE: codes issued ahead (as /authorize would), redeemed over HTTP.
    const codes = app.get(AuthorizationCodeService);
    const redirect = 'http://localhost:25001/callback';
    const prepared = await Promise.all(
      Array.from({ length: N }, async () => {
        const verifier = randomBytes(32).toString('base64url');
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        const code = await codes.issue(
          { client_id: 'demo-client', redirect_uri: redirect, code_challenge: challenge },
          { sub: 'user0', scope: 'profile', authMethod: 'password' },
        );
        return { code, verifier };
      }),
    );
    const basic = `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`;
    const token = await measure(
      'POST /token (authorization_code + PKCE)',
      prepared.map(({ code, verifier }) => async () => {
        const res = await fetch(`${base}/token`, {
          method: 'POST',
          headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code,
            code_verifier: verifier,
            redirect_uri: redirect,
          }),
        });
        if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
      }),
    );

    // SIWE: nonces issued and messages signed ahead, verified over HTTP.
    const accounts = Array.from({ length: 20 }, () => privateKeyToAccount(generatePrivateKey()));
    const signed = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const account = accounts[i % accounts.length];
        const res = await fetch(`${base}/wallet/nonce`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ address: account.address, chainId: 1 }),
        });
        const { message } = (await res.json()) as { message: string };
        return { message, signature: await account.signMessage({ message }) };
      }),
    );
    const verify = await measure(
      'POST /wallet/verify (SIWE)',
      signed.map((body) => async () => {
        const res = await fetch(`${base}/wallet/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (res.status !== 200) throw new Error(`verify: ${res.status} ${await res.text()}`);
      }),
    );

    report([token, verify]);
  } finally {
    await app.close();
    await database.stop();
  }
}

function report(results: Result[]): void {
  const command = `npm run bench -- --n ${N} --concurrency ${CONCURRENCY}`;
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.n} | ${(r.n / r.seconds).toFixed(0)} | ${percentile(r.latencies, 50).toFixed(1)} | ${percentile(r.latencies, 95).toFixed(1)} | ${percentile(r.latencies, 99).toFixed(1)} | ${r.rssMiB.toFixed(0)} | ${r.heapMiB.toFixed(0)} |`,
  );
  const text = `# Benchmarks

Generated by \`bench/challenges.bench.ts\`; do not edit by hand, run it again.

- Date: ${new Date().toISOString()}
- Command: \`${command}\`
- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}
- Database: mongo-java-server 1.47.0, in-memory backend, on the same machine (not a real
  MongoDB: compare runs with each other, not with production)
- Client and service share one process and the two cores; ${CONCURRENCY} requests in flight.

| Path | Requests | Throughput (req/s) | p50 (ms) | p95 (ms) | p99 (ms) | RSS after (MiB) | Heap after (MiB) |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

What a request includes: HTTP parsing, client authentication (the scrypt check is cached after
the first success), the one atomic consume, recording the grant, minting the refresh token and
signing the ES256 access token, and the figures and metrics bookkeeping; for SIWE also the
strict EIP-4361 parse, the policy checks, the read-only nonce check and local signature
recovery (no RPC).
`;
  writeFileSync(join(__dirname, '..', 'docs', 'BENCHMARKS.md'), text);
  process.stdout.write(text);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
