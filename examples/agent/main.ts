/**
 * An agent that calls the example MCP server as itself, with no user: `npm run example:agent`
 * (`-- --mcp-port N`: the MCP server of `npm run example:mcp -- --port N`).
 * The MCP SDK's `PrivateKeyJwtProvider` does the MCP authorization flow for a machine client:
 * on the MCP server's 401 it reads the protected-resource metadata (RFC 9728), finds Proofgate
 * (RFC 8414), and asks for a token with `client_credentials` (RFC 6749 §4.4) authenticated by a
 * JWT signed with the agent's private key (private_key_jwt, RFC 7523 §2.2) and `resource` set to
 * the MCP server (RFC 8707). Then it calls the `whoami` tool and prints the answer.
 *
 * PROOFGATE_URL   Proofgate's issuer (default http://localhost:25000)
 * MCP_SERVER_URL  the MCP server (default http://localhost:25004/mcp, examples/mcp-server);
 *                 `--mcp-port N` puts it on port N
 * AGENT_CLIENT_ID the client (default demo-agent, seeded with SEED_DEMO_DATA)
 * AGENT_PRIVATE_JWK its private key as a JWK (default the published demo key of demo-agent)
 * AGENT_ALG       the key's JWS algorithm (default ES256)
 * AGENT_SCOPE     the scope to ask for (default api)
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { PrivateKeyJwtProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mcpServerUrl } from '../mcp-server/server-url';

/** demo-agent's key: a demo key, published like demo-secret. Never use it for a real client. */
const DEMO_AGENT_PRIVATE_JWK = {
  kty: 'EC',
  crv: 'P-256',
  kid: 'demo-agent-1',
  x: 'Mmyx6zj42ELI3st5I0XOOgwObeFwEo_Ba7v_MFnd3x4',
  y: 'oh-OW8TzCXvoSj25n27oeB-mzYEltYCSv40EG_f-MJM',
  d: 'o7UIALlmjNE6odum4WdOrzzTjCUvxC-qGJWD3LxcCQc',
};

export interface AgentOptions {
  issuer: string;
  mcpServerUrl: string;
  clientId: string;
  privateJwk: Record<string, unknown>;
  algorithm: string;
  scope: string;
}

/** Connects to the MCP server as the agent and returns what `whoami` answered. */
export async function runAgent(options: AgentOptions): Promise<unknown> {
  const authProvider = new PrivateKeyJwtProvider({
    clientId: options.clientId,
    privateKey: options.privateJwk,
    algorithm: options.algorithm,
    scope: options.scope,
    // The key signs assertions for this authorization server only.
    expectedIssuer: options.issuer,
  });
  const transport = new StreamableHTTPClientTransport(new URL(options.mcpServerUrl), {
    authProvider,
  });
  const client = new Client({ name: 'proofgate-example-agent', version: '1.0.0' });
  await client.connect(transport);
  try {
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    const [content] = result.content as Array<{ type: string; text?: string }>;
    return content?.type === 'text' && content.text
      ? (JSON.parse(content.text) as unknown)
      : result;
  } finally {
    await client.close();
  }
}

async function main(): Promise<void> {
  const answer = await runAgent({
    issuer: process.env.PROOFGATE_URL ?? 'http://localhost:25000',
    mcpServerUrl: mcpServerUrl(process.argv.slice(2), process.env, '--mcp-port'),
    clientId: process.env.AGENT_CLIENT_ID ?? 'demo-agent',
    privateJwk: process.env.AGENT_PRIVATE_JWK
      ? (JSON.parse(process.env.AGENT_PRIVATE_JWK) as Record<string, unknown>)
      : DEMO_AGENT_PRIVATE_JWK,
    algorithm: process.env.AGENT_ALG ?? 'ES256',
    scope: process.env.AGENT_SCOPE ?? 'api',
  });
  console.log(`whoami: ${JSON.stringify(answer)}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
