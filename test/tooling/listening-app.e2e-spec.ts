/**
 * The ports of startListeningApp and listenOnFreePort (test/support/test-app.ts): chosen free, then
 * released until the app listens, so another process may take one in between (another worker's
 * app listening on port 0, an outgoing connection). The app then listens on another port (made
 * again, where its issuer names the port) rather than failing the spec that asked for it; a port
 * taken every time still fails, naming why.
 */
import { createServer, type Server } from 'node:http';
import { freePort } from '../support/processes';
import {
  type ListeningApp,
  createTestApp,
  listenOnFreePort,
  startListeningApp,
} from '../support/test-app';

let stranger: Server;
let taken: number;
let started: ListeningApp | undefined;

beforeAll(async () => {
  taken = await freePort();
  // Another process's server, on the port the app is handed first.
  stranger = createServer((_req, res) => res.writeHead(200).end('not Proofgate'));
  await new Promise<void>((resolve) => stranger.listen(taken, '127.0.0.1', resolve));
});

afterEach(async () => {
  await started?.t.close();
  started = undefined;
});

afterAll(async () => {
  await new Promise((resolve) => stranger.close(resolve));
});

/** Hands out `first`, in order, then free ports. */
function portsFrom(first: readonly number[]): () => Promise<number> {
  const queue = [...first];
  return () => Promise.resolve(queue.shift() ?? freePort());
}

it('listens on another port, its issuer with it, when its first port is taken meanwhile', async () => {
  started = await startListeningApp({}, '127.0.0.1', [], portsFrom([taken]));
  const port = Number(new URL(started.issuer).port);
  expect(port).not.toBe(taken);
  const metadata = await fetch(`${started.issuer}/.well-known/oauth-authorization-server`);
  expect(metadata.status).toBe(200);
  expect(((await metadata.json()) as { issuer: string }).issuer).toBe(started.issuer);
  // The other process keeps its port and its own answers.
  expect(await (await fetch(`http://127.0.0.1:${taken}/`)).text()).toBe('not Proofgate');
});

it('fails, naming the taken port, when every port it tries is taken', async () => {
  await expect(
    startListeningApp({}, '127.0.0.1', [], portsFrom([taken, taken, taken])),
  ).rejects.toMatchObject({
    code: 'EADDRINUSE',
    message: expect.stringContaining(`127.0.0.1:${taken}`),
  });
});

it('listens on the next free port when an app whose issuer names no port finds its own taken', async () => {
  const t = await createTestApp();
  try {
    // Taken every time: it gives up, and the same app can still listen.
    await expect(listenOnFreePort(t, portsFrom([taken, taken, taken]))).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    const port = await listenOnFreePort(t, portsFrom([taken]));
    expect(port).not.toBe(taken);
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
  } finally {
    await t.close();
  }
});
