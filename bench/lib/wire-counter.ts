/**
 * Counts MongoDB wire-protocol requests in a client-to-server byte stream, by command name.
 *
 * Every message starts with a 16-byte header: messageLength, requestID, responseTo, opCode (all
 * int32 little-endian). An OP_MSG (2013) carries flagBits (uint32) and then sections; the kind-0
 * section is the command document, whose first key is the command name (`find`, `insert`,
 * `findAndModify`, ...). Only the head of each message is looked at; the rest is skipped without
 * copying, so large inserts cost nothing extra.
 */

export const OP_MSG = 2013;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;

/** OP_MSG flag: the sender expects no reply (not a round trip). */
const MORE_TO_COME = 1 << 1;

/** Enough of a message to read the command name of any ordinary command. */
const HEAD_BYTES = 512;
const MAX_MESSAGE_BYTES = 48 * 1024 * 1024;

/** Sent by the driver's server monitors on their own connections, not by the application. */
export const MONITORING_COMMANDS: ReadonlySet<string> = new Set(['hello', 'ismaster', 'isMaster']);

/** Suffix of the counter key of one-way messages. */
export const NO_REPLY = ' (no reply)';

export interface WireMessage {
  readonly length: number;
  readonly opCode: number;
  /** The command name (first key of the command document), or a label for other messages. */
  readonly command: string;
  /** The command's string argument, when it has one: the collection (`{ find: 'grants' }`). */
  readonly collection?: string;
  /** OP_MSG sent with moreToCome: the server sends no reply. */
  readonly moreToCome: boolean;
}

/** NUL-terminated string starting at `start`, or undefined when the head ends first. */
function cstring(head: Buffer, start: number): { value: string; end: number } | undefined {
  const end = head.indexOf(0, start);
  if (end < 0) return undefined;
  return { value: head.toString('utf8', start, end), end: end + 1 };
}

const BSON_STRING = 0x02;

/**
 * First element of the BSON document at `offset` (int32 size, then type byte, key, value): its
 * key, and its value when that is a string (int32 length with the NUL, bytes, NUL).
 */
function firstElement(
  head: Buffer,
  offset: number,
): { command: string; collection?: string } | undefined {
  if (offset + 6 > head.length) return undefined;
  const type = head[offset + 4];
  if (type === 0) return undefined; // empty document
  const key = cstring(head, offset + 5);
  if (!key) return undefined;
  if (type !== BSON_STRING || key.end + 4 > head.length) return { command: key.value };
  const size = head.readInt32LE(key.end);
  const end = key.end + 4 + size - 1;
  if (size < 1 || end > head.length) return { command: key.value };
  return { command: key.value, collection: head.toString('utf8', key.end + 4, end) };
}

type Scan =
  | { readonly command: string; readonly collection?: string }
  /** The next section starts at this offset of the message, past the bytes seen. */
  | { readonly resumeAt: number };

/**
 * Walks OP_MSG sections in `window`, which holds the message's bytes from offset `start`, to the
 * kind-0 section (the command document). A kind-1 section (int32 size, identifier, documents)
 * may come first and be longer than the window: then the scan resumes where it ends.
 */
function scanSections(window: Buffer, start: number, length: number): Scan {
  let offset = 0;
  while (offset < window.length && start + offset < length) {
    const kind = window[offset];
    if (kind === 0) return firstElement(window, offset + 1) ?? { command: 'unknown' };
    if (kind !== 1 || offset + 5 > window.length) break;
    const next = offset + 1 + window.readInt32LE(offset + 1);
    if (next >= window.length) {
      return start + next < length ? { resumeAt: start + next } : { command: 'unknown' };
    }
    offset = next;
  }
  return { command: 'unknown' };
}

const OP_MSG_SECTIONS = 20;

function opMsgFlags(head: Buffer): { moreToCome: boolean } {
  return { moreToCome: (head.readUInt32LE(16) & MORE_TO_COME) !== 0 };
}

/**
 * Describes one message from its head (its first bytes, at least 16; `length` is the whole
 * message's). An OP_MSG whose command document lies beyond the head is named 'unknown' here;
 * WireMessageSplitter reads on to it.
 */
export function describeMessage(head: Buffer, length = head.readInt32LE(0)): WireMessage {
  const first = describeHead(head, length);
  if ('message' in first) return first.message;
  return { length, opCode: OP_MSG, command: 'unknown', ...opMsgFlags(head) };
}

function describeHead(
  head: Buffer,
  length: number,
): { readonly message: WireMessage } | { readonly resumeAt: number; readonly moreToCome: boolean } {
  const opCode = head.readInt32LE(12);
  if (opCode === OP_MSG && head.length > OP_MSG_SECTIONS) {
    const { moreToCome } = opMsgFlags(head);
    const scan = scanSections(head.subarray(OP_MSG_SECTIONS), OP_MSG_SECTIONS, length);
    if ('resumeAt' in scan) return { resumeAt: scan.resumeAt, moreToCome };
    return { message: { length, opCode, ...scan, moreToCome } };
  }
  if (opCode === OP_QUERY && head.length > 20) {
    // flags, fullCollectionName, numberToSkip, numberToReturn, query document.
    const ns = cstring(head, 20);
    const command = (ns && firstElement(head, ns.end + 8)) || { command: 'legacy_query' };
    return { message: { length, opCode, ...command, moreToCome: false } };
  }
  const command = opCode === OP_COMPRESSED ? 'compressed' : `op_${opCode}`;
  return { message: { length, opCode, command, moreToCome: false } };
}

/**
 * Splits one connection's byte stream into messages, whatever the chunk boundaries. Only windows
 * of at most HEAD_BYTES are copied: the message's head and, when a long document sequence comes
 * before the command document, the bytes where the next section starts. Throws on a length that
 * cannot be a MongoDB message (the stream is then not MongoDB, or out of step).
 */
export class WireMessageSplitter {
  /** Bytes of the current message already consumed. */
  private position = 0;
  /** Its total length, once the first 4 bytes are in (0 before). */
  private length = 0;
  /** Where the window being filled starts in the message, and how long it is to be. */
  private windowStart = 0;
  private windowSize = 4;
  private window: Buffer[] = [];
  private windowFill = 0;
  /** Set once the window at the message's start is read and a later one is wanted. */
  private pending?: { moreToCome: boolean };
  /** The message is described; the rest is skipped. */
  private described = false;

  push(chunk: Buffer): WireMessage[] {
    const messages: WireMessage[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.described || this.position < this.windowStart) {
        // Skip to the end of the message, or to the start of the next window.
        const target = this.described ? this.length : this.windowStart;
        const n = Math.min(target - this.position, chunk.length - offset);
        this.position += n;
        offset += n;
        if (this.described && this.position === this.length) this.reset();
        continue;
      }
      const n = Math.min(this.windowSize - this.windowFill, chunk.length - offset);
      this.window.push(chunk.subarray(offset, offset + n));
      this.windowFill += n;
      this.position += n;
      offset += n;
      if (this.windowFill < this.windowSize) continue;
      const window = Buffer.concat(this.window);
      this.window = [];
      this.windowFill = 0;
      const message = this.readWindow(window);
      if (message) {
        messages.push(message);
        this.described = true;
        if (this.position === this.length) this.reset();
      }
    }
    return messages;
  }

  /** A full window is in: describe the message, or set up the next window. */
  private readWindow(window: Buffer): WireMessage | undefined {
    if (this.length === 0) {
      // The first 4 bytes: the message length, then the head.
      const length = window.readInt32LE(0);
      if (length < 16 || length > MAX_MESSAGE_BYTES) {
        throw new Error(`not a MongoDB wire message (length ${length})`);
      }
      this.length = length;
      this.window = [window];
      this.windowFill = 4;
      this.windowSize = Math.min(length, HEAD_BYTES);
      return undefined;
    }
    if (!this.pending) {
      const first = describeHead(window, this.length);
      if ('message' in first) return first.message;
      this.pending = { moreToCome: first.moreToCome };
      return this.nextWindow(first.resumeAt);
    }
    const scan = scanSections(window, this.windowStart, this.length);
    if ('resumeAt' in scan) return this.nextWindow(scan.resumeAt);
    return { length: this.length, opCode: OP_MSG, ...scan, ...this.pending };
  }

  private nextWindow(start: number): undefined {
    this.windowStart = start;
    this.windowSize = Math.min(this.length - start, HEAD_BYTES);
    return undefined;
  }

  private reset(): void {
    this.position = 0;
    this.length = 0;
    this.windowStart = 0;
    this.windowSize = 4;
    this.window = [];
    this.windowFill = 0;
    this.pending = undefined;
    this.described = false;
  }
}

/** Request counts, by command, at one instant. */
export interface CountSnapshot {
  /** Every request message, monitoring included. */
  readonly total: number;
  readonly byCommand: Readonly<Record<string, number>>;
}

/** Counts the messages it is given, by command and collection ('find grants'). */
export class CommandCounter {
  private total = 0;
  private readonly byCommand = new Map<string, number>();

  add(message: WireMessage): void {
    this.total++;
    // A one-way message (moreToCome) is counted apart: the sender does not wait for it.
    const name = message.collection ? `${message.command} ${message.collection}` : message.command;
    const key = message.moreToCome ? `${name}${NO_REPLY}` : name;
    this.byCommand.set(key, (this.byCommand.get(key) ?? 0) + 1);
  }

  snapshot(): CountSnapshot {
    return { total: this.total, byCommand: Object.fromEntries(this.byCommand) };
  }
}

export interface RoundTrips {
  /** Application requests (monitoring left out) in the window. */
  readonly total: number;
  /** The same, by command, largest first. */
  readonly byCommand: Readonly<Record<string, number>>;
  /** Monitoring messages in the window (hello/isMaster from the driver's monitors). */
  readonly monitoring: number;
  /** One-way messages (moreToCome, no reply awaited): listed in byCommand, not in total. */
  readonly oneWay: number;
}

/** What happened between two snapshots of the same counter, monitoring set apart. */
export function roundTripsBetween(before: CountSnapshot, after: CountSnapshot): RoundTrips {
  const byCommand: Record<string, number> = {};
  let total = 0;
  let monitoring = 0;
  let oneWay = 0;
  for (const [command, count] of Object.entries(after.byCommand)) {
    const delta = count - (before.byCommand[command] ?? 0);
    if (delta <= 0) continue;
    if (MONITORING_COMMANDS.has(command.split(' ')[0])) {
      monitoring += delta;
      continue;
    }
    byCommand[command] = delta;
    if (command.endsWith(NO_REPLY)) oneWay += delta;
    else total += delta;
  }
  const sorted = Object.fromEntries(Object.entries(byCommand).sort((a, b) => b[1] - a[1]));
  return { total, byCommand: sorted, monitoring, oneWay };
}
