/**
 * Runs the example MCP server against a Proofgate: `npm run example:mcp [-- --port N]`.
 * PROOFGATE_URL is the issuer (default http://localhost:25000); MCP_SERVER_URL is this server's
 * resource URL, which tokens must be issued for (default http://localhost:25004/mcp), and
 * `--port N` puts it on port N (http://localhost:N/mcp): the seeded demo clients may ask for
 * their MCP resource on any port outside production.
 */
import { startMcpServer } from './mcp-server';
import { mcpServerUrl } from './server-url';

async function main(): Promise<void> {
  const issuer = process.env.PROOFGATE_URL ?? 'http://localhost:25000';
  const resource = mcpServerUrl(process.argv.slice(2), process.env);
  const url = new URL(resource);
  const server = await startMcpServer({
    issuer,
    resource,
    // Where clients look for it: the URL's host (`localhost` binds where `localhost` resolves).
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port || 80),
    // RFC 9470: e.g. `phr`, only tokens of a passkey sign-in.
    ...(process.env.MCP_REQUIRED_ACR ? { requiredAcr: process.env.MCP_REQUIRED_ACR } : {}),
  });
  console.log(`MCP server for ${resource}, tokens from ${issuer}`);
  console.log(`Protected resource metadata: ${server.resourceMetadataUrl}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
