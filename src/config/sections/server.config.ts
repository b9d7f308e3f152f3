import { EnvReader } from '../env-reader';
import { TrustProxy, trustProxy } from '../env-parsers';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What this instance is and where it is served: the section every other one may build on. */
export abstract class ServerConfig {
  abstract readonly nodeEnv: NodeEnv;
  abstract readonly isProduction: boolean;
  /** The OAuth issuer identifier (RFC 8414 §2), also the origin pages and cookies are served from. */
  abstract readonly issuer: string;
  abstract readonly host: string;
  abstract readonly port: number;
  abstract readonly logLevel: LogLevel;
  /** ALLOW_INSECURE_ISSUER: a production instance may serve an `http:` issuer (a local trial). */
  abstract readonly allowInsecureIssuer: boolean;
  /**
   * Trusted proxies (proxy-addr): which proxies in front of the service may name the client in
   * X-Forwarded-For. `false` (unset): none, the client is the TCP peer.
   */
  abstract readonly trustProxy: TrustProxy;
  /**
   * On SIGTERM or SIGINT: how long requests already under way (and one more on each open
   * connection, answered with `Connection: close`) may take before the remaining connections are
   * cut. Below an orchestrator's own grace period (Kubernetes: 30 s).
   */
  abstract readonly shutdownGraceSeconds: number;
  /**
   * How long a request may go unanswered before it is answered 503 temporarily_unavailable
   * (platform/http/request-deadline.ts): no request waits for ever on a stuck database command.
   * Also how long a client may take to send its request, headers and body, and at most how long
   * an idle keep-alive connection is kept (platform/http/connection-limits.ts).
   */
  abstract readonly requestTimeoutSeconds: number;
  /** The most connections the instance holds open at once; further ones are closed at once. */
  abstract readonly maxConnections: number;
}

export function readServerConfig(env: EnvReader): ServerConfig {
  const nodeEnv = env.oneOf('NODE_ENV', NODE_ENVS, 'development');
  const port = env.int('PORT', 25000, { min: 0, max: 65535 });
  return Object.freeze({
    nodeEnv,
    isProduction: nodeEnv === 'production',
    issuer: env.httpUrl('ISSUER', `http://localhost:${port}`),
    host: env.str('HOST', '127.0.0.1'),
    port,
    logLevel: env.oneOf('LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    allowInsecureIssuer: env.bool('ALLOW_INSECURE_ISSUER', false),
    trustProxy: env.read((e) => trustProxy(e, 'TRUST_PROXY'), false),
    shutdownGraceSeconds: env.int('SHUTDOWN_GRACE_SECONDS', 10, { min: 0, max: 600 }),
    requestTimeoutSeconds: env.int('REQUEST_TIMEOUT_SECONDS', 30, { min: 1, max: 600 }),
    maxConnections: env.int('MAX_CONNECTIONS', 1000, { min: 1, max: 1_000_000 }),
  });
}
