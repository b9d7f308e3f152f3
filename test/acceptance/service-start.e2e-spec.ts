/**
 * The acceptance suite's own footing (service.ts): the service it talks to is the process it
 * started. A CI run on Node 24 once took another process's answers for its service's: by all
 * signs a test app of another suite had bound the port chosen for the service in the seconds the
 * service took to start, and answered its /health/ready 200; the service refused the taken port
 * and exited, and the folder's 138 tests met another issuer, then a closed port. Ready now means
 * the service's own ready line; here the port it is told is held by a server answering 200.
 */
import { createServer, type Server } from 'node:http';
import { freePort } from '../support/processes';
import { startServiceProcess } from './service';

let stranger: Server;
let port: number;

beforeAll(async () => {
  port = await freePort();
  // Another process's server on the service's port: 200 to every request, /health/ready too.
  stranger = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'),
  );
  await new Promise<void>((resolve) => stranger.listen(port, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => stranger.close(resolve));
});

it('does not take an answer on its port from another process for its start', async () => {
  await expect(startServiceProcess({ PORT: String(port) })).rejects.toThrow(
    `Port ${port} is already in use`,
  );
}, 120_000);
