/**
 * Which process sent a request the harness received on loopback: the kernel's TCP table
 * (/proc/net/tcp, Linux) names the socket's inode, and the process holding that inode among its
 * file descriptors is the sender. The fleet's relying parties use it to tell which instance is
 * delivering a logout token: any instance's poller may claim a delivery, not only the one that
 * ended the session. The same table tells which worker of an instance (WORKERS) holds the
 * connections the harness opened to it.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

const LOOPBACK_HEX = '0100007F';

function hexPort(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
}

/** The inode of the IPv4 loopback socket from `senderPort` to `receiverPort`, if it is open. */
function socketInode(senderPort: number, receiverPort: number): string | undefined {
  const local = `${LOOPBACK_HEX}:${hexPort(senderPort)}`;
  const remote = `${LOOPBACK_HEX}:${hexPort(receiverPort)}`;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === local && fields[2] === remote) return fields[9];
  }
  return undefined;
}

/**
 * Of `pids`, the one whose socket connects `senderPort` to `receiverPort` on 127.0.0.1; undefined
 * when none does (the socket already closed, or a process not listed).
 */
export function socketOwner(
  senderPort: number,
  receiverPort: number,
  pids: readonly number[],
): number | undefined {
  let inode: string | undefined;
  try {
    inode = socketInode(senderPort, receiverPort);
  } catch {
    return undefined;
  }
  if (inode === undefined) return undefined;
  const target = `socket:[${inode}]`;
  for (const pid of pids) {
    try {
      const fds = readdirSync(`/proc/${pid}/fd`);
      if (fds.some((fd) => readlinkSafe(`/proc/${pid}/fd/${fd}`) === target)) return pid;
    } catch {
      // Gone meanwhile (killed, restarted): not the sender.
    }
  }
  return undefined;
}

/**
 * How many open loopback connections whose local end is `localPort` (the server's end, at an
 * instance's port) each of `pids` holds; a pid holding none is absent. With `unreadOnly`, only
 * those with bytes the process has not read yet: a request waiting in a stopped process's socket.
 */
export function connectionsHeld(
  localPort: number,
  pids: readonly number[],
  { unreadOnly = false } = {},
): Map<number, number> {
  const local = `${LOOPBACK_HEX}:${hexPort(localPort)}`;
  const inodes = new Set<string>();
  try {
    for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // State 01 is ESTABLISHED: the listening socket and closing ones are not connections.
      if (fields[1] !== local || fields[3] !== '01') continue;
      // Field 4 is tx_queue:rx_queue, in hex: rx_queue counts the bytes received, not yet read.
      if (unreadOnly && parseInt(fields[4]?.split(':')[1] ?? '0', 16) === 0) continue;
      inodes.add(`socket:[${fields[9]}]`);
    }
  } catch {
    return new Map();
  }
  const held = new Map<number, number>();
  for (const pid of pids) {
    try {
      const count = readdirSync(`/proc/${pid}/fd`).filter((fd) =>
        inodes.has(readlinkSafe(`/proc/${pid}/fd/${fd}`) ?? ''),
      ).length;
      if (count > 0) held.set(pid, count);
    } catch {
      // Gone meanwhile.
    }
  }
  return held;
}

function readlinkSafe(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
