import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { getAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { Clock } from '../../platform/clock/clock';
import { TemporarilyUnavailable } from '../../platform/errors/protocol-error';
import { type WalletConfig } from '../../config/sections/wallet.config';
import { InvalidSignature } from '../core/wallet.errors';
import { HttpEthRpcTransports } from './eth-rpc-transports';
import { buildSiweMessage, parseSiweMessage } from './siwe-message.parser';
import { SiweVerifier } from './siwe-verifier';

type Reply = (body: { id: number; method: string }, response: ServerResponse) => void;

/** A local JSON-RPC endpoint that records each request and answers with `reply`. */
async function rpcServer(
  reply: Reply,
): Promise<{ url: string; methods: string[]; server: Server }> {
  const methods: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      const body = JSON.parse(raw) as { id: number; method: string };
      methods.push(body.method);
      reply(body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, methods, server };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

class FixedClock extends Clock {
  now(): Date {
    return new Date('2026-03-01T12:00:00.000Z');
  }
}

/**
 * Time limits: a node that answers gets far more than it could need on a loaded machine, so only
 * a node that never answers hits one; that test reads its own limit back.
 */
const ANSWERING_NODE_TIMEOUT_MS = 15_000;
const SILENT_NODE_TIMEOUT_MS = 300;

function config(
  rpcUrls: Record<number, string>,
  rpcTimeoutMs = ANSWERING_NODE_TIMEOUT_MS,
): WalletConfig {
  return {
    domain: 'app.example.com',
    uri: 'https://app.example.com',
    allowedChainIds: [1],
    solanaChains: [],
    bitcoinChains: [],
    rpcUrls,
    rpcTimeoutMs,
    clockSkewSeconds: 60,
  };
}

describe('HttpEthRpcTransports', () => {
  const owner = privateKeyToAccount(`0x${'33'.repeat(32)}`);
  const contractWallet = getAddress('0x00000000000000000000000000000000000c0de5');
  const text = buildSiweMessage({
    domain: 'app.example.com',
    address: contractWallet,
    uri: 'https://app.example.com',
    version: '1',
    chainId: 1,
    nonce: 'abcdefgh12345678',
    issuedAt: '2026-03-01T12:00:00.000Z',
  });
  const fields = parseSiweMessage(text);
  const servers: Server[] = [];

  async function verifyThrough(reply: Reply, rpcTimeoutMs?: number) {
    const rpc = await rpcServer(reply);
    servers.push(rpc.server);
    const settings = config({ 1: rpc.url }, rpcTimeoutMs);
    const transports = await HttpEthRpcTransports.create(settings);
    const verifier = new SiweVerifier(settings, new FixedClock(), transports);
    const signature = await owner.signMessage({ message: text });
    const outcome = await verifier.verifySignature(text, fields, signature).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    return { outcome, methods: rpc.methods };
  }

  afterEach(() => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      server.close();
    }
  });

  it('has no transport for a chain without an RPC URL', async () => {
    const transports = await HttpEthRpcTransports.create(config({ 1: 'http://127.0.0.1:1' }));
    expect(transports.forChain(1)).toBeDefined();
    expect(transports.forChain(8453)).toBeUndefined();
  });

  it('sends one eth_call to the configured URL and accepts the validator answer 0x01', async () => {
    const { outcome, methods } = await verifyThrough((body, response) =>
      json(response, 200, { jsonrpc: '2.0', id: body.id, result: '0x01' }),
    );
    expect(outcome).toEqual({ value: { address: contractWallet, kind: 'contract' } });
    expect(methods).toEqual(['eth_call']);
  });

  it('reads the answer 0x00 as an invalid signature', async () => {
    const { outcome } = await verifyThrough((body, response) =>
      json(response, 200, { jsonrpc: '2.0', id: body.id, result: '0x00' }),
    );
    expect((outcome as { error: unknown }).error).toBeInstanceOf(InvalidSignature);
  });

  describe('when the RPC fails', () => {
    let warn: jest.SpyInstance;
    beforeEach(() => {
      warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    });
    afterEach(() => warn.mockRestore());

    it('gives up after rpcTimeoutMs, with one try, as 503', async () => {
      const started = performance.now();
      // The node never answers: only the configured limit ends the wait.
      const { outcome, methods } = await verifyThrough(() => undefined, SILENT_NODE_TIMEOUT_MS);
      const waited = performance.now() - started;
      expect((outcome as { error: unknown }).error).toBeInstanceOf(TemporarilyUnavailable);
      // Not before the limit (a timer may fire a millisecond early), and by the limit, not by a
      // default of the library's (viem's is 10 s) nor a retry: a loaded machine's lateness is
      // well under the gap.
      expect(waited).toBeGreaterThanOrEqual(SILENT_NODE_TIMEOUT_MS - 5);
      expect(waited).toBeLessThan(ANSWERING_NODE_TIMEOUT_MS / 2);
      expect(methods).toEqual(['eth_call']);
      expect(JSON.stringify(warn.mock.calls)).toMatch(/TimeoutError/);
    });

    it('does not retry an HTTP 503 from the node, and answers 503 itself', async () => {
      const { outcome, methods } = await verifyThrough((_body, response) =>
        json(response, 503, { error: 'busy' }),
      );
      expect((outcome as { error: unknown }).error).toBeInstanceOf(TemporarilyUnavailable);
      expect(methods).toEqual(['eth_call']);
    });

    it('does not take a JSON-RPC server error for a revert', async () => {
      const { outcome } = await verifyThrough((body, response) =>
        json(response, 200, {
          jsonrpc: '2.0',
          id: body.id,
          error: { code: -32603, message: 'header not found' },
        }),
      );
      expect((outcome as { error: unknown }).error).toBeInstanceOf(TemporarilyUnavailable);
    });
  });

  it('takes a JSON-RPC revert as the wallet saying no', async () => {
    const { outcome } = await verifyThrough((body, response) =>
      json(response, 200, {
        jsonrpc: '2.0',
        id: body.id,
        error: { code: 3, message: 'execution reverted', data: '0x' },
      }),
    );
    expect((outcome as { error: unknown }).error).toBeInstanceOf(InvalidSignature);
  });
});
