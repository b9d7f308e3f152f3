import { connect, createServer, type Server } from 'node:net';
import { BSON } from 'mongodb';
import {
  CommandCounter,
  OP_MSG,
  OP_QUERY,
  WireMessageSplitter,
  describeMessage,
  roundTripsBetween,
} from '../../bench/lib/wire-counter';
import { CountingProxy } from '../../bench/lib/wire-proxy';

let requestId = 1;

function header(length: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId++, 4);
  h.writeInt32LE(0, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

/** An OP_MSG: optional kind-1 document sequence first, then the kind-0 command document. */
function opMsg(
  command: Record<string, unknown>,
  options: { flags?: number; sequence?: { id: string; docs: Record<string, unknown>[] } } = {},
): Buffer {
  const parts: Buffer[] = [];
  const flags = Buffer.alloc(4);
  flags.writeUInt32LE(options.flags ?? 0, 0);
  parts.push(flags);
  if (options.sequence) {
    const id = Buffer.from(`${options.sequence.id}\0`);
    const docs = Buffer.concat(options.sequence.docs.map((d) => Buffer.from(BSON.serialize(d))));
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + id.length + docs.length, 0);
    parts.push(Buffer.from([1]), size, id, docs);
  }
  parts.push(Buffer.from([0]), Buffer.from(BSON.serialize(command)));
  const body = Buffer.concat(parts);
  return Buffer.concat([header(16 + body.length, OP_MSG), body]);
}

function opQuery(ns: string, query: Record<string, unknown>): Buffer {
  const body = Buffer.concat([
    Buffer.alloc(4), // flags
    Buffer.from(`${ns}\0`),
    Buffer.alloc(8), // numberToSkip, numberToReturn
    Buffer.from(BSON.serialize(query)),
  ]);
  return Buffer.concat([header(16 + body.length, OP_QUERY), body]);
}

const find = opMsg({ find: 'challenges', filter: { _id: 'x' }, $db: 'bench' });
const bigInsert = opMsg({ insert: 'floor', documents: [{ data: 'x'.repeat(5000) }], $db: 'bench' });
const sequenced = opMsg(
  { insert: 'grants', $db: 'bench' },
  { sequence: { id: 'documents', docs: [{ a: 1 }, { b: 'y'.repeat(1500) }] } },
);
const oneWay = opMsg({ update: 'figures', $db: 'bench' }, { flags: 2 });
const legacyHello = opQuery('admin.$cmd', { isMaster: 1, client: { driver: 'x' } });

describe('MongoDB wire message counting', () => {
  it('names the command of each kind of message', () => {
    expect(describeMessage(find)).toMatchObject({
      collection: 'challenges',
      command: 'find',
      opCode: OP_MSG,
      moreToCome: false,
    });
    expect(describeMessage(bigInsert.subarray(0, 512), bigInsert.length)).toMatchObject({
      command: 'insert',
      length: bigInsert.length,
    });
    expect(describeMessage(sequenced).command).toBe('insert');
    expect(describeMessage(oneWay)).toMatchObject({ command: 'update', moreToCome: true });
    expect(describeMessage(legacyHello)).toMatchObject({ command: 'isMaster', opCode: OP_QUERY });
    expect(describeMessage(legacyHello).collection).toBeUndefined(); // { isMaster: 1 }
    // A string argument cut off by the end of the head: the command alone.
    expect(describeMessage(find.subarray(0, 33), find.length)).toMatchObject({ command: 'find' });
    expect(describeMessage(find.subarray(0, 33), find.length).collection).toBeUndefined();
  });

  it('splits a stream into the same messages whatever the chunk boundaries', () => {
    const stream = Buffer.concat([find, bigInsert, sequenced, oneWay, legacyHello, find]);
    const expected = ['find', 'insert', 'insert', 'update', 'isMaster', 'find'];
    for (const size of [1, 2, 3, 7, 16, 17, 100, 511, 512, 513, 4096, stream.length]) {
      const splitter = new WireMessageSplitter();
      const seen: string[] = [];
      for (let i = 0; i < stream.length; i += size) {
        seen.push(...splitter.push(stream.subarray(i, i + size)).map((m) => m.command));
      }
      expect(seen).toEqual(expected);
    }
  });

  it('refuses a stream that is not MongoDB', () => {
    expect(() => new WireMessageSplitter().push(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toThrow(
      'not a MongoDB wire message',
    );
  });

  it('counts a window by command, monitoring and one-way messages apart', () => {
    const counter = new CommandCounter();
    const splitter = new WireMessageSplitter();
    const add = (...messages: Buffer[]) =>
      splitter.push(Buffer.concat(messages)).forEach((m) => counter.add(m));
    add(find, legacyHello);
    const before = counter.snapshot();
    add(find, find, bigInsert, oneWay, legacyHello, opMsg({ hello: 1, $db: 'admin' }));
    expect(roundTripsBetween(before, counter.snapshot())).toEqual({
      total: 3,
      byCommand: { 'find challenges': 2, 'insert floor': 1, 'update figures (no reply)': 1 },
      monitoring: 2,
      oneWay: 1,
    });
  });
});

describe('CountingProxy', () => {
  let upstream: Server;
  let upstreamPort: number;

  beforeAll(async () => {
    // Answers every byte it gets with the same bytes: enough to see the proxy forward both ways.
    upstream = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamPort = (upstream.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

  it('forwards both ways and counts what the client sends', async () => {
    const proxy = new CountingProxy(upstreamPort);
    const port = await proxy.listen();
    const payload = Buffer.concat([find, bigInsert, sequenced]);
    const socket = connect(port, '127.0.0.1');
    const echoed = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (Buffer.concat(chunks).length >= payload.length) resolve(Buffer.concat(chunks));
      });
      socket.on('error', reject);
      socket.write(payload.subarray(0, 300));
      setTimeout(() => socket.write(payload.subarray(300)), 20);
    });
    socket.destroy();
    await proxy.close();
    expect(echoed.equals(payload)).toBe(true);
    expect(proxy.counter.snapshot().byCommand).toEqual({
      'find challenges': 1,
      'insert floor': 1,
      'insert grants': 1,
    });
    expect(proxy.error).toBeUndefined();
  });
});
