/**
 * A minimal authoritative DNS server on 127.0.0.1 (UDP, RFC 1035 §4): A and AAAA answers from a
 * table, NXDOMAIN for names it does not know, and no answer at all for the names `silent`
 * picks (a "black hole": a DNS server that never answers). Records every question it gets.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv4, isIPv6 } from 'node:net';

const TYPE_A = 1;
const TYPE_AAAA = 28;
const CLASS_IN = 1;
const RCODE_NXDOMAIN = 3;

export interface DnsQuestion {
  readonly name: string;
  readonly type: 'A' | 'AAAA' | number;
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const all = [...front, ...new Array<string>(8 - front.length - back.length).fill('0'), ...back];
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}

/** The question's name (lower case, no final dot) and where the question section ends. */
function readQuestion(message: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let offset = 12;
  while (message[offset] !== 0) {
    const length = message[offset];
    labels.push(message.toString('ascii', offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  const type = message.readUInt16BE(offset + 1);
  return { name: labels.join('.').toLowerCase(), type, end: offset + 5 };
}

export class TestDnsServer {
  readonly questions: DnsQuestion[] = [];
  private readonly socket: Socket = createSocket('udp4');
  private port = 0;

  constructor(
    /** Addresses by name, IPv4 and IPv6 mixed: A answers the one, AAAA the other. */
    private readonly records: Record<string, readonly string[]>,
    /** Names never answered. */
    private readonly silent: (name: string) => boolean = () => false,
  ) {
    this.socket.on('message', (message, peer) => this.answer(message, peer));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    this.port = this.socket.address().port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  /** As `CLIENT_METADATA_DNS_SERVERS` and `dns.Resolver#setServers` take it. */
  get server(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** How many questions (any type) named `name`. */
  asked(name: string): number {
    return this.questions.filter((question) => question.name === name).length;
  }

  private answer(message: Buffer, peer: RemoteInfo): void {
    if (message.length < 12) return;
    const { name, type, end } = readQuestion(message);
    this.questions.push({ name, type: type === TYPE_A ? 'A' : type === TYPE_AAAA ? 'AAAA' : type });
    if (this.silent(name)) return;
    const known = this.records[name];
    const addresses = (known ?? []).filter((address) =>
      type === TYPE_A ? isIPv4(address) : type === TYPE_AAAA ? isIPv6(address) : false,
    );
    const header = Buffer.alloc(12);
    message.copy(header, 0, 0, 2); // the query's id
    // QR (answer), the query's opcode and RD, AA; RA; RCODE.
    header[2] = 0x80 | (message[2] & 0x79) | 0x04;
    header[3] = 0x80 | (known ? 0 : RCODE_NXDOMAIN);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(addresses.length, 6);
    const records = addresses.map((address) => {
      const data = isIPv4(address)
        ? Buffer.from(address.split('.').map(Number))
        : ipv6Bytes(address);
      const record = Buffer.alloc(12);
      record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
      record.writeUInt16BE(type, 2);
      record.writeUInt16BE(CLASS_IN, 4);
      record.writeUInt32BE(60, 6);
      record.writeUInt16BE(data.length, 10);
      return Buffer.concat([record, data]);
    });
    const reply = Buffer.concat([header, message.subarray(12, end), ...records]);
    this.socket.send(reply, peer.port, peer.address);
  }
}
