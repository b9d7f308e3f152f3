/**
 * The ports the fleet restarts its database and instances on (bench/lib/processes.ts,
 * stablePorts): free, distinct, and outside the kernel's ephemeral range, so that no other test
 * asking the kernel for a port (port 0) is handed one of them while the fleet's server is down.
 */
import { createServer } from 'node:net';
import { ephemeralPortsFrom, freePort, freePorts, stablePorts } from '../../bench/lib/processes';

/** Whether a server can listen on `port` at 127.0.0.1 now (then closes it). */
async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  return listening;
}

describe('stable ports for servers that restart on their port', () => {
  it('are free, distinct and below the ephemeral range, which port 0 never leaves', async () => {
    const ports = await stablePorts(4);
    const from = ephemeralPortsFrom();
    expect(new Set(ports).size).toBe(4);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(27000);
      expect(port).toBeLessThan(from);
      expect(await canListen(port)).toBe(true);
    }
    // What the kernel hands out for port 0 (freePort, outgoing connections) is not among them.
    for (const port of await freePorts(8)) expect(port).toBeGreaterThanOrEqual(from);
  });
});

describe('free ports from the kernel (freePort, freePorts)', () => {
  it('never hands out one port twice in a process, within one call or across calls', async () => {
    // A test asks a port for a server it starts later, then the service asks its own: the kernel
    // may give the released port again, and two servers of one test then shared a port.
    const ports = [...(await freePorts(20))];
    for (let i = 0; i < 100; i += 1) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
  });
});
