/**
 * An MCP server (streamable HTTP, stateless) protected by Proofgate: one tool, `whoami`, that
 * answers who called it. Every request to /mcp carries a Proofgate access token whose `aud` is
 * this server's resource URL (RFC 8707); @proofgate/resource-server checks it locally against
 * Proofgate's keys (RFC 9068, DPoP when the token is bound, RFC 9470 step-up) and the server
 * publishes where to get one (RFC 9728).
 */
import type { Server } from 'node:http';
import type { Request, RequestHandler } from 'express';
import {
  createResourceServer,
  protectedResourceMetadata,
  resourceMetadataUrl as metadataUrlOf,
  type CheckRequest,
  type VerifiedClaims,
} from '@proofgate/resource-server';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { metadataHandler } from '@modelcontextprotocol/sdk/server/auth/handlers/metadata.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { OAuthProtectedResourceMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';

export interface McpServerOptions {
  /** Proofgate's issuer, e.g. `http://localhost:25000`. */
  issuer: string;
  /** Port to listen on: the port of `resource`. */
  port: number;
  /**
   * This server's resource URL, the `aud` its tokens must carry: the URL of its MCP endpoint,
   * e.g. `http://localhost:25004/mcp`. Its path is where the endpoint is served.
   */
  resource: string;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /**
   * The minimum `acr` of the sign-in behind a token (RFC 9470): `phr`, a passkey sign-in at
   * Proofgate (a hardware-bound passkey's `phrh` meets it too). A weaker token is refused with
   * `401 insufficient_user_authentication` and `acr_values`, and the client steps up (authorizes
   * again with `acr_values=phr`). Default: none required.
   */
  requiredAcr?: string;
}

export interface RunningMcpServer {
  /** The resource URL, as given. */
  resource: string;
  /** Where the RFC 9728 document is, as the 401 challenges name it. */
  resourceMetadataUrl: string;
  close(): Promise<void>;
}

/**
 * The package's verdict on each request: a refusal is answered as the package wrote it (status,
 * `WWW-Authenticate`, `{ error, error_description }`); an admitted request goes on with the
 * token's claims where the MCP SDK's transport hands them to the tools (`req.auth`).
 */
function requireAccessToken(check: CheckRequest, resource: string): RequestHandler {
  return async (req: Request & { auth?: AuthInfo }, res, next) => {
    const verdict = await check(req);
    res.set(verdict.headers);
    if (!verdict.ok) {
      res.status(verdict.status).json(verdict.body);
      return;
    }
    req.auth = authInfoOf(verdict.claims, req.headers.authorization ?? '', resource);
    next();
  };
}

/** The MCP SDK's view of an admitted token, its Proofgate claims in `extra`. */
function authInfoOf(claims: VerifiedClaims, authorization: string, resource: string): AuthInfo {
  const { authorization_details, approval } = claims;
  return {
    token: authorization.slice(authorization.indexOf(' ') + 1),
    clientId: claims.client_id ?? '',
    scopes: claims.scopes,
    expiresAt: claims.exp,
    resource: new URL(resource),
    extra: {
      sub: claims.sub,
      ...(claims.acr === undefined ? {} : { acr: claims.acr }),
      ...(authorization_details === undefined ? {} : { authorization_details }),
      ...(approval === undefined ? {} : { approval }),
    },
  };
}

/** The MCP server of one request: stateless, so each request gets its own. */
function whoamiServer(): McpServer {
  const server = new McpServer({ name: 'proofgate-whoami', version: '1.0.0' });
  server.registerTool(
    'whoami',
    {
      description:
        "Who called: the access token's subject, client and scopes, and what it allows (RFC 9396 authorization_details) and how the person approved it, when it says",
    },
    ({ authInfo }) => {
      const { authorization_details, approval } = authInfo?.extra ?? {};
      const caller = {
        sub: authInfo?.extra?.sub,
        client_id: authInfo?.clientId,
        scope: authInfo?.scopes.join(' '),
        ...(authorization_details === undefined ? {} : { authorization_details }),
        ...(approval === undefined ? {} : { approval }),
      };
      return { content: [{ type: 'text', text: JSON.stringify(caller) }] };
    },
  );
  return server;
}

export async function startMcpServer(options: McpServerOptions): Promise<RunningMcpServer> {
  const { issuer, resource, host = '127.0.0.1' } = options;
  const resourceUrl = new URL(resource);
  const resourceMetadataUrl = metadataUrlOf(resource);
  // Proofgate's keys are read at the first token (discovery, then its JWKS), and again when a
  // token names a rotated key: the server may start before Proofgate does.
  const check = createResourceServer({
    issuer,
    resource,
    ...(options.requiredAcr === undefined ? {} : { acr: options.requiredAcr }),
  });

  const app = createMcpExpressApp({ host });
  const metadata: OAuthProtectedResourceMetadata = {
    ...protectedResourceMetadata({
      resource,
      authorizationServers: [issuer],
      resourceName: 'Proofgate whoami MCP server',
    }),
  };
  // RFC 9728 §3.1: the document sits at the well-known path with the resource's path appended;
  // the bare path answers too, for clients that look only there.
  app.use(new URL(resourceMetadataUrl).pathname, metadataHandler(metadata));
  if (resourceUrl.pathname !== '/') {
    app.use('/.well-known/oauth-protected-resource', metadataHandler(metadata));
  }

  const verified = requireAccessToken(check, resource);
  app.post(resourceUrl.pathname, verified, async (req, res) => {
    const server = whoamiServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  // Stateless: no server-to-client stream (GET) and no session to end (DELETE).
  app.all(resourceUrl.pathname, verified, (_req, res) => {
    res
      .status(405)
      .set('Allow', 'POST')
      .json({
        jsonrpc: '2.0',
        error: { code: -32000, message: 'Method not allowed' },
        id: null,
      });
  });

  const listening: Server = await new Promise((resolve, reject) => {
    // Express 5 calls this back with the error when the port cannot be had (EADDRINUSE): the
    // server then never listens, and a start that resolved would leave the port to another.
    const server = app.listen(options.port, host, (error?: Error) =>
      error ? reject(error) : resolve(server),
    );
  });
  return {
    resource,
    resourceMetadataUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        listening.closeAllConnections();
        listening.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
