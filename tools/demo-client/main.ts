/**
 * `npm run demo:client`: serves the demo OAuth client on DEMO_CLIENT_PORT (default 25001, the
 * port of `demo-client`'s registered redirect URI) against the Proofgate at PROOFGATE_URL
 * (default http://localhost:25000). Stops on Ctrl-C.
 */
import { startDemoClient } from './server';

async function main(): Promise<void> {
  const port = Number(process.env.DEMO_CLIENT_PORT ?? '25001');
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`DEMO_CLIENT_PORT must be a port number, got ${process.env.DEMO_CLIENT_PORT}`);
  }
  const authorizationServer = process.env.PROOFGATE_URL ?? 'http://localhost:25000';
  const client = await startDemoClient({ port, authorizationServer });
  console.log(`Demo client on ${client.url} (authorization server ${authorizationServer})`);
  const stop = () => {
    client.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`demo-client: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
