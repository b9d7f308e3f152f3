import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Global, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { Clock } from '../../platform/clock/clock';
import { WalletConfig } from '../../config/sections/wallet.config';
import { DomainMismatch, InvalidSignature } from '../core/wallet.errors';
import { buildSiweMessage, parseSiweMessage } from './siwe-message.parser';
import { SignatureRecovery } from './signature-recovery';
import { SIWE_PROVIDERS } from './siwe.providers';
import { SiweVerifier } from './siwe-verifier';

describe('SIWE_PROVIDERS', () => {
  let server: Server;
  let rpcUrl: string;

  beforeAll(async () => {
    // Chain 1's RPC: accepts every contract signature, so a pass proves the wiring reached it.
    server = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      request.on('end', () => {
        const { id } = JSON.parse(raw) as { id: number };
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ jsonrpc: '2.0', id, result: '0x01' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    rpcUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  async function resolveModule() {
    const wallet: WalletConfig = {
      domain: 'app.example.com',
      uri: 'https://app.example.com',
      allowedChainIds: [1, 8453],
      solanaChains: [],
      bitcoinChains: [],
      rpcUrls: { 1: rpcUrl },
      rpcTimeoutMs: 1000,
      clockSkewSeconds: 60,
    };
    class FixedClock extends Clock {
      now(): Date {
        return new Date('2026-03-01T12:00:00.000Z');
      }
    }
    @Global()
    @Module({
      providers: [
        { provide: WalletConfig, useValue: wallet },
        { provide: Clock, useValue: new FixedClock() },
      ],
      exports: [WalletConfig, Clock],
    })
    class GlobalsModule {}

    return Test.createTestingModule({
      imports: [GlobalsModule],
      providers: [...SIWE_PROVIDERS],
    }).compile();
  }

  async function resolveVerifier(): Promise<SiweVerifier> {
    return (await resolveModule()).get(SiweVerifier);
  }

  it("provides the process's signature recovery, logging which implementation it is", async () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      const recovery = (await resolveModule()).get(SignatureRecovery);
      expect(recovery).toBe(SignatureRecovery.load());
      expect(JSON.stringify(log.mock.calls)).toContain(
        `EOA signature recovery: ${recovery.implementation}`,
      );
    } finally {
      log.mockRestore();
    }
  });

  it('builds SiweVerifier from AppConfig, Clock and the configured RPC URLs', async () => {
    const verifier = await resolveVerifier();
    const owner = privateKeyToAccount(`0x${'44'.repeat(32)}`);
    const message = (chainId: number) =>
      buildSiweMessage({
        domain: 'app.example.com',
        address: getAddress('0x00000000000000000000000000000000000c0de5'),
        uri: 'https://app.example.com',
        version: '1',
        chainId,
        nonce: 'abcdefgh12345678',
        issuedAt: '2026-03-01T12:00:00.000Z',
      });

    const onMainnet = message(1);
    const fields = parseSiweMessage(onMainnet);
    const sites = [{ domain: 'app.example.com', uri: 'https://app.example.com' }];
    expect(() => verifier.checkPolicy(fields, sites)).not.toThrow();
    expect(() => verifier.checkPolicy({ ...fields, domain: 'other.example.com' }, sites)).toThrow(
      DomainMismatch,
    );
    const signature = await owner.signMessage({ message: onMainnet });
    await expect(verifier.verifySignature(onMainnet, fields, signature)).resolves.toMatchObject({
      kind: 'contract',
    });

    const onBase = message(8453);
    await expect(
      verifier.verifySignature(
        onBase,
        parseSiweMessage(onBase),
        await owner.signMessage({ message: onBase }),
      ),
      // No RPC for chain 8453: EOA only, so the owner key's signature is simply not the address's.
    ).rejects.toBeInstanceOf(InvalidSignature);
  });
});
