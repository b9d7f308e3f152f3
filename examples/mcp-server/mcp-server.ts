/**
 * An MCP server (streamable HTTP, stateless) protected by Proofgate: one tool, `whoami`, that
 * answers who called it. Every request to /mcp carries a Proofgate access token whose `aud` is
 * this server's resource URL (RFC 8707); the server checks it locally against Proofgate's JWKS
 * (RFC 9068) and publishes where to get one (RFC 9728).
 */
import type { Server } from 'node:http';
import type { RequestHandler } from 'express';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { metadataHandler } from '@modelcontextprotocol/sdk/server/auth/handlers/metadata.js';
import { getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { InvalidTokenError, ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
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
   * The `acr` a token must carry (RFC 9470): `phr`, a passkey sign-in at Proofgate. A weaker
   * token is refused with `401 insufficient_user_authentication` and `acr_values`, and the client
   * steps up (authorizes again with `acr_values=phr`). Default: none required.
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

/** The claims of a Proofgate access token (RFC 9068) the tool reports. */
interface AccessTokenClaims extends JWTPayload {
  client_id?: string;
  scope?: string;
  /** RFC 9068 §2.2.1: how the user signed in (`phr`: a passkey); absent when nothing special. */
  acr?: string;
  /** RFC 9396 §9.1: exactly what the token allows (a CIBA request's approved payment). */
  authorization_details?: unknown[];
  /** How the person approved the request the token came from (a proof over it), when one did. */
  approval?: { method: string; hash: string; time: number };
}

/** Of Proofgate's RFC 8414 document, what a resource server needs. */
async function discover(issuer: string): Promise<{ jwksUri: string }> {
  const url = `${issuer}/.well-known/oauth-authorization-server`;
  const response = await fetch(url).catch((error: Error) => {
    const reason = error.cause instanceof Error ? error.cause.message : error.message;
    throw new Error(`Proofgate at ${issuer} did not answer: ${reason}`);
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const metadata = (await response.json()) as { issuer?: string; jwks_uri?: string };
  // RFC 8414 §3.3: the document must name the issuer it was fetched for.
  if (metadata.issuer !== issuer) {
    throw new Error(`${url} names the issuer ${String(metadata.issuer)}, not ${issuer}`);
  }
  if (!metadata.jwks_uri) throw new Error(`${url} has no jwks_uri`);
  return { jwksUri: metadata.jwks_uri };
}

/** RFC 9068 §4: signature from the issuer's keys, `typ` at+jwt, `iss`, `aud` and `exp`. */
function accessTokenVerifier(
  issuer: string,
  resource: string,
  jwksUri: string,
): OAuthTokenVerifier {
  const keys = createRemoteJWKSet(new URL(jwksUri));
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      let claims: AccessTokenClaims;
      try {
        ({ payload: claims } = await jwtVerify<AccessTokenClaims>(token, keys, {
          issuer,
          audience: resource,
          typ: 'at+jwt',
        }));
      } catch (error) {
        // Not the token's fault: a 401 would send the client to sign in again, to no avail.
        if (keysUnavailable(error)) {
          throw new ServerError("The authorization server's keys could not be fetched");
        }
        throw new InvalidTokenError(refusal(error));
      }
      return {
        token,
        clientId: claims.client_id ?? '',
        scopes: claims.scope ? claims.scope.split(' ') : [],
        expiresAt: claims.exp,
        resource: new URL(resource),
        extra: {
          sub: claims.sub,
          ...(claims.acr === undefined ? {} : { acr: claims.acr }),
          ...(claims.authorization_details === undefined
            ? {}
            : { authorization_details: claims.authorization_details }),
          ...(claims.approval === undefined ? {} : { approval: claims.approval }),
        },
      };
    },
  };
}

/**
 * The JWKS could not be had: the fetch failed or timed out, or the answer was no key set (jose
 * throws its generic JOSEError for a non-200 answer). Every other jose error is about the token.
 */
function keysUnavailable(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true;
  return (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    error.code === errors.JOSEError.code
  );
}

/** Why a token is refused, in words that name no part of the token. */
function refusal(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The access token has expired';
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') {
    return 'The access token is for another resource';
  }
  return 'The access token is invalid';
}

/**
 * RFC 9470 §3: a valid token whose `acr` is not `requiredAcr` is answered `401` with
 * `error="insufficient_user_authentication"` and `acr_values`, so the client knows to sign the
 * user in again with that class (Proofgate: `acr_values=phr` at /authorize, a passkey).
 */
function requireAcr(requiredAcr: string | undefined, resourceMetadataUrl: string): RequestHandler {
  return (req, res, next) => {
    if (requiredAcr === undefined || req.auth?.extra?.acr === requiredAcr) {
      next();
      return;
    }
    const description = `This server needs a login of acr ${requiredAcr} (a passkey sign-in); authorize again with acr_values=${requiredAcr}`;
    res
      .status(401)
      .set(
        'WWW-Authenticate',
        `Bearer error="insufficient_user_authentication", error_description="${description}", acr_values="${requiredAcr}", resource_metadata="${resourceMetadataUrl}"`,
      )
      .json({ error: 'insufficient_user_authentication', error_description: description });
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
  const { jwksUri } = await discover(issuer);
  const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(resourceUrl);

  const app = createMcpExpressApp({ host });
  const metadata: OAuthProtectedResourceMetadata = {
    resource,
    authorization_servers: [issuer],
    bearer_methods_supported: ['header'],
    resource_name: 'Proofgate whoami MCP server',
  };
  // RFC 9728 §3.1: the document sits at the well-known path with the resource's path appended;
  // the bare path answers too, for clients that look only there.
  app.use(new URL(resourceMetadataUrl).pathname, metadataHandler(metadata));
  if (resourceUrl.pathname !== '/') {
    app.use('/.well-known/oauth-protected-resource', metadataHandler(metadata));
  }

  const verified = requireBearerAuth({
    verifier: accessTokenVerifier(issuer, resource, jwksUri),
    resourceMetadataUrl,
  });
  const stepUp = requireAcr(options.requiredAcr, resourceMetadataUrl);
  app.post(resourceUrl.pathname, verified, stepUp, async (req, res) => {
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
  app.all(resourceUrl.pathname, verified, stepUp, (_req, res) => {
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
