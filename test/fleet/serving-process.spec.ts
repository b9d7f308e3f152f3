/**
 * The fleet tells the workers of an instance apart by the process holding the server's end of a
 * connection: a server in a child process stands for a worker, this process for the harness.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { servingPid } from '../../tools/fleet/serving-process';
import { connectionsHeld } from '../../tools/fleet/socket-owner';

/** An HTTP server in a child process; its port is the first line it prints. */
const SERVER = `
const server = require('node:http').createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

describe('which process serves a connection', () => {
  let child: ChildProcess;
  let port: number;

  beforeAll(async () => {
    child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    port = await new Promise<number>((resolve) =>
      child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
    );
  });
  afterAll(() => child.kill('SIGKILL'));

  it('names the child process that answered, and nobody when it is not a candidate', async () => {
    expect(await servingPid(port, [process.pid, child.pid!])).toBe(child.pid);
    expect(await servingPid(port, [process.pid])).toBeUndefined();
  });

  it('names nobody where nothing listens', async () => {
    const closed = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'ignore'] });
    const gonePort = await new Promise<number>((resolve) =>
      closed.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
    );
    closed.kill('SIGKILL');
    await new Promise((resolve) => closed.once('exit', resolve));
    expect(await servingPid(gonePort, [closed.pid!])).toBeUndefined();
  });

  it('counts the open connections each process holds at the port, not the client ends', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 3 });
    try {
      await Promise.all(
        Array.from(
          { length: 3 },
          () =>
            new Promise<void>((resolve, reject) =>
              get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
                res.resume();
                res.on('end', resolve);
              }).on('error', reject),
            ),
        ),
      );
      expect(connectionsHeld(port, [process.pid, child.pid!])).toEqual(new Map([[child.pid, 3]]));
    } finally {
      agent.destroy();
    }
  });

  it('counts the requests a stopped process has not read, and none once it reads them', async () => {
    const socket = connect(port, '127.0.0.1');
    const answer = (s: Socket) =>
      new Promise<string>((resolve) =>
        s.once('data', (chunk: Buffer) => resolve(chunk.toString())),
      );
    const request = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    try {
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(request);
      expect(await answer(socket)).toMatch(/^HTTP\/1\.1 200/);
      const pids = [process.pid, child.pid!];
      expect(connectionsHeld(port, pids, { unreadOnly: true })).toEqual(new Map());

      child.kill('SIGSTOP');
      const answered = answer(socket);
      try {
        socket.write(request);
        // Loopback delivers at once; the stopped process cannot read it.
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(connectionsHeld(port, pids, { unreadOnly: true })).toEqual(
          new Map([[child.pid, 1]]),
        );
        expect(connectionsHeld(port, pids)).toEqual(new Map([[child.pid, 1]]));
      } finally {
        child.kill('SIGCONT');
      }
      expect(await answered).toMatch(/^HTTP\/1\.1 200/);
      expect(connectionsHeld(port, pids, { unreadOnly: true })).toEqual(new Map());
    } finally {
      socket.destroy();
    }
  });
});
