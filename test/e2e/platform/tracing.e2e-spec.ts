/**
 * OpenTelemetry traces, against the built service as users run it, exporting to an OTLP/HTTP
 * receiver in this test: the spans of a code exchange (the HTTP request, the token grant, the
 * redeem, the MongoDB commands) share the trace id written in the request's log line, and no
 * attribute carries a secret. Without an OTLP endpoint, no SDK, instrumentation or exporter is loaded.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { sharedBuild, startBuiltService } from '../../support/build';
import { DEMO_CLIENT, exchangeCode, login, obtainCode } from '../../support/oauth';
import { exitOf, waitFor } from '../../support/processes';
import { ROOT } from '../../support/readme';

let DIST = '';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: OtlpValue }[];
}
interface ExportRequest {
  resourceSpans: {
    resource: { attributes: { key: string; value: OtlpValue }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

/** An OTLP/HTTP collector of one test: what was POSTed to /v1/traces, raw and as JSON. */
class OtlpReceiver {
  readonly bodies: { contentType: string; body: Buffer }[] = [];
  private server?: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          this.bodies.push({
            contentType: req.headers['content-type'] ?? '',
            body: Buffer.concat(chunks),
          });
        }
        res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/json' });
        res.end(req.headers['content-type']?.includes('json') ? '{}' : '');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server?.address() as AddressInfo).port;
  }

  spans(): OtlpSpan[] {
    return this.bodies
      .filter(({ contentType }) => contentType.includes('json'))
      .flatMap(({ body }) => (JSON.parse(body.toString()) as ExportRequest).resourceSpans)
      .flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

interface Instance {
  child: ChildProcess;
  url: string;
  logLines: () => Record<string, unknown>[];
}

const children: ChildProcess[] = [];

async function startService(env: Record<string, string>): Promise<Instance> {
  // Spans leave the batch at once, not after the default 5 s.
  const { child, port, output } = await startBuiltService(
    DIST,
    { OTEL_BSP_SCHEDULE_DELAY: '50', ...env },
    (started) => children.push(started),
  );
  const logLines = () =>
    output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { child, url: `http://127.0.0.1:${port}`, logLines };
}

/** A logged-in code exchange against `url`; every secret it handled, to look for afterwards. */
async function codeExchange(url: string): Promise<{ secrets: string[] }> {
  const agent = request.agent(url);
  await login(agent);
  const { code, verifier, state, location } = await obtainCode(agent);
  const challenge = new URL(location).searchParams.get('code_challenge');
  const tokens = (await exchangeCode(url, code, verifier).expect(200)).body as Record<
    string,
    string
  >;
  const secrets = [
    code,
    verifier,
    state,
    tokens.access_token,
    tokens.refresh_token,
    DEMO_CLIENT.secret,
    'password0',
  ];
  return { secrets: challenge ? [...secrets, challenge] : secrets };
}

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? value?.intValue ?? value?.boolValue ?? value?.doubleValue;
};

describe('OpenTelemetry traces', () => {
  beforeAll(async () => {
    DIST = await sharedBuild();
  }, 120_000);
  const stopServices = async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exitOf(child);
    }
  };

  // One service for both http/json cases: a start of the built service with the SDK is the
  // costly part, and each case picks out its own spans.
  describe('over http/json', () => {
    let receiver: OtlpReceiver;
    let service: Instance;

    beforeAll(async () => {
      receiver = new OtlpReceiver();
      await receiver.start();
      service = await startService({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'proofgate-under-test',
      });
    }, 90_000);
    afterAll(async () => {
      await stopServices();
      await receiver?.close();
    });

    it('exports the spans of a code exchange, with the trace id of the request log line and no secret', async () => {
      const { secrets } = await codeExchange(service.url);

      const tokenLine = await waitFor(
        () =>
          Promise.resolve(
            service
              .logLines()
              .find(
                (line) =>
                  (line.req as { url?: string } | undefined)?.url === '/token' &&
                  (line.res as { statusCode?: number } | undefined)?.statusCode === 200,
              ),
          ),
        (line) => line !== undefined,
        10_000,
      );
      const traceId = tokenLine?.trace_id;
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);

      const spans = await waitFor(
        () => Promise.resolve(receiver.spans().filter((span) => span.traceId === traceId)),
        (found) => found.some((span) => span.name === 'oauth.token'),
        15_000,
      );
      const names = spans.map((span) => span.name);
      const server = spans.find((span) => span.kind === 2);
      expect(attribute(server as OtlpSpan, 'http.request.method')).toBe('POST');
      expect(attribute(server as OtlpSpan, 'url.path')).toBe('/token');

      const token = spans.find((span) => span.name === 'oauth.token') as OtlpSpan;
      expect({
        model: attribute(token, 'proofgate.model'),
        grantType: attribute(token, 'proofgate.grant_type'),
        client: attribute(token, 'proofgate.client_id'),
        outcome: attribute(token, 'proofgate.outcome'),
      }).toEqual({
        model: 'pkce',
        grantType: 'authorization_code',
        client: DEMO_CLIENT.id,
        outcome: 'success',
      });
      const redeem = spans.find((span) => span.name === 'challenge.redeem') as OtlpSpan;
      expect(attribute(redeem, 'proofgate.outcome')).toBe('redeemed');
      expect(attribute(redeem, 'proofgate.challenge_kind')).toBe('authorization_code');
      // The redeem is a step of the grant, and its database command a child of the redeem.
      expect(redeem.parentSpanId).toBe(token.spanId);
      expect(
        spans.some(
          (span) =>
            (attribute(span, 'db.system.name') ?? attribute(span, 'db.system')) === 'mongodb' &&
            span.kind === 3 &&
            span.parentSpanId === redeem.spanId,
        ),
      ).toBe(true);
      expect(names).toEqual(expect.arrayContaining(['oauth.token', 'challenge.redeem']));

      // No secret in any attribute of any span the whole login produced.
      const everything = JSON.stringify(receiver.spans().map((span) => span.attributes));
      expect(everything).toContain('/token');
      expect(secrets.filter((secret) => everything.includes(secret))).toEqual([]);

      const authorize = receiver.spans().find((span) => span.name === 'oauth.authorize');
      expect(attribute(authorize as OtlpSpan, 'proofgate.outcome')).toBe('code_issued');
      const resource = JSON.stringify(
        receiver.bodies.map(({ body }) =>
          (JSON.parse(body.toString()) as ExportRequest).resourceSpans.map((r) => r.resource),
        ),
      );
      expect(resource).toContain('proofgate-under-test');
    }, 90_000);

    it('url.path carries the route of a path parameter, never a wallet address or credential id', async () => {
      const address = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
      const credentialId = 'q2xlYXJseS1ub3QtYS1yZWFsLWNyZWRlbnRpYWw';
      // Refused before the handler (no token): the span was started with the raw path anyway.
      await request(service.url)
        .delete(`/account/methods/${encodeURIComponent(`wallet:eip155:1:${address}`)}`)
        .expect(401);
      await request(service.url).delete(`/account/methods/passkey:${credentialId}`).expect(401);
      await request(service.url).get('/challenge-models/pkce').expect(200);
      await request(service.url).get('/challenge-models/series').expect(200);

      // This case's server spans only: the code exchange before it made others.
      const ours = (span: OtlpSpan) =>
        span.kind === 2 &&
        (attribute(span, 'http.request.method') === 'DELETE' ||
          String(attribute(span, 'url.path')).startsWith('/challenge-models'));
      const server = await waitFor(
        () => Promise.resolve(receiver.spans().filter(ours)),
        (spans) => spans.length >= 4,
        15_000,
      );
      const recorded = server.map((span) => [
        attribute(span, 'http.request.method'),
        attribute(span, 'url.path'),
        attribute(span, 'http.route'),
      ]);
      expect(recorded).toEqual(
        expect.arrayContaining([
          ['DELETE', '/account/methods/:method', '/account/methods/:method'],
          ['GET', '/challenge-models/:id', '/challenge-models/:id'],
          ['GET', '/challenge-models/series', undefined],
        ]),
      );
      expect(recorded.filter(([method]) => method === 'DELETE')).toHaveLength(2);
      const everything = JSON.stringify(receiver.spans().map((span) => span.attributes));
      expect(everything.toLowerCase()).not.toContain(address.slice(2).toLowerCase());
      expect(everything).not.toContain(credentialId);
    }, 90_000);
  });

  it('exports http/protobuf when asked, carrying the same trace id as the log line', async () => {
    const receiver = new OtlpReceiver();
    await receiver.start();
    try {
      const service = await startService({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      });
      await codeExchange(service.url);
      const line = await waitFor(
        () =>
          Promise.resolve(
            service
              .logLines()
              .find((entry) => (entry.req as { url?: string } | undefined)?.url === '/token'),
          ),
        (found) => found !== undefined,
        10_000,
      );
      const traceId = Buffer.from(String(line?.trace_id), 'hex');
      expect(traceId).toHaveLength(16);
      // Spans of one trace may leave in several batches: the token grant's among them.
      const traced = () =>
        receiver.bodies.filter(({ body }) => body.includes(traceId)).map(({ body }) => body);
      const bodies = await waitFor(
        () => Promise.resolve(traced()),
        (found) => Buffer.concat(found).includes(Buffer.from('oauth.token')),
        15_000,
      );
      expect(Buffer.concat(bodies).includes(Buffer.from('oauth.token'))).toBe(true);
      expect(
        receiver.bodies.every(({ contentType }) => contentType === 'application/x-protobuf'),
      ).toBe(true);
    } finally {
      await stopServices();
      await receiver.close();
    }
  }, 90_000);

  it('loads no OpenTelemetry SDK, instrumentation or exporter when no endpoint is set', () => {
    // The service's own entry order (src/main.ts): the preload, then the application.
    const script = `
      require(${JSON.stringify(join(DIST, 'platform', 'tracing', 'preload.js'))});
      require(${JSON.stringify(join(DIST, 'app.module.js'))});
      // @opentelemetry/api is loaded by prom-client anyway (for exemplars): the SDK, the
      // instrumentations and the exporters are what tracing would add.
      const loaded = Object.keys(require.cache).filter(
        (path) => path.includes('/@opentelemetry/') && !path.includes('/@opentelemetry/api/'),
      );
      process.stdout.write(String(loaded.length));`;
    const withEndpoint = { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' };
    const off = { ...process.env };
    delete off.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete off.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    const count = (env: NodeJS.ProcessEnv) =>
      Number(
        spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env, encoding: 'utf8' }).stdout,
      );
    expect(count(off)).toBe(0);
    expect(count(withEndpoint)).toBeGreaterThan(0);
  });
});
