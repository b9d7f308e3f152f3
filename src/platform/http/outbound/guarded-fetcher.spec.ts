import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedCertificate } from '../../../../test/support/self-signed-certificate';
import { GuardedFetcher, OutboundFetchError, type GuardedFetchOptions } from './guarded-fetcher';
import { HostResolver } from './host-resolver';

/** Every name is 127.0.0.1: the https server below, whatever the URL's host. */
class LoopbackResolver extends HostResolver {
  resolve() {
    return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
  }
}

describe('GuardedFetcher: extra trusted CAs (CLIENT_METADATA_CA_FILE)', () => {
  const trusted = selfSignedCertificate(['docs.internal.example']);
  const stranger = selfSignedCertificate(['docs.internal.example']);
  let server: Server;
  let port: number;
  const fetcher = new GuardedFetcher(new LoopbackResolver());
  const options = (extraCaCertificates?: string[]): GuardedFetchOptions => ({
    maxBytes: 1024,
    timeoutMs: 5_000,
    allowPrivate: true,
    accept: 'application/json',
    ...(extraCaCertificates ? { extraCaCertificates } : {}),
  });

  beforeAll(async () => {
    server = createServer({ key: trusted.key, cert: trusted.cert }, (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const url = (host: string) => new URL(`https://${host}:${port}/client.json`);

  it('fetches from a server whose certificate the extra CAs vouch for', async () => {
    const fetched = await fetcher.get(url('docs.internal.example'), options([trusted.cert]));
    expect(fetched.body.toString()).toBe('{"ok":true}');
  });

  it("refuses it with Node's built-in roots only, or with another CA", async () => {
    await expect(fetcher.get(url('docs.internal.example'), options())).rejects.toThrow(
      new OutboundFetchError('connection failed (self-signed certificate)'),
    );
    await expect(
      fetcher.get(url('docs.internal.example'), options([stranger.cert])),
    ).rejects.toBeInstanceOf(OutboundFetchError);
  });

  it('still checks that the certificate names the host', async () => {
    await expect(fetcher.get(url('other.example'), options([trusted.cert]))).rejects.toThrow(
      /connection failed \(Hostname\/IP does not match certificate's altnames/,
    );
  });
});
