/**
 * The fleet's relying parties tell which instance sent a logout token by the process holding the
 * sending socket: a request from a child process is told apart from one of this process.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { socketOwner } from '../../tools/fleet/socket-owner';

describe('socketOwner', () => {
  let server: Server;
  let owners: (number | undefined)[] = [];
  let candidates: number[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      owners.push(socketOwner(req.socket.remotePort!, req.socket.localPort!, candidates));
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    owners = [];
  });

  const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  it('names the child process that sent a request, not this one', async () => {
    const child = spawn(process.execPath, [
      '-e',
      `fetch(${JSON.stringify(url())}).then((r) => r.text())`,
    ]);
    candidates = [process.pid, child.pid!];
    await new Promise((resolve) => child.once('exit', resolve));
    expect(owners).toEqual([child.pid]);
  });

  it('names this process for its own request, and nobody when it is not a candidate', async () => {
    candidates = [process.pid];
    await (await fetch(url())).text();
    candidates = [];
    await (await fetch(url(), { headers: { connection: 'close' } })).text();
    expect(owners).toEqual([process.pid, undefined]);
  });
});
