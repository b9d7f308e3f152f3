import { EnvReader } from '../env-reader';
import { ConfigError, type Env, TrustProxy, str, trustProxy } from '../env-parsers';
import { BOOLEAN, setting, settingsSection, choice, text, whole, httpUrl } from '../setting';

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
  /**
   * Service processes of this instance (node:cluster workers sharing the listening socket), or
   * `auto`: the CPUs the process may use (src/platform/cluster/usable-cpus.ts). 1: no cluster.
   */
  abstract readonly workers: Workers;
}

/** The most workers an instance starts. */
export const MAX_WORKERS = 64;
export type Workers = number | 'auto';

/** WORKERS: a whole number from 1 to MAX_WORKERS, or `auto`. */
function workers(env: Env, name: string): Workers | undefined {
  const value = str(env, name);
  if (value === undefined) return undefined;
  if (value.toLowerCase() === 'auto') return 'auto';
  const count = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(count >= 1 && count <= MAX_WORKERS)) {
    throw new ConfigError(`${name} must be a whole number from 1 to ${MAX_WORKERS}, or auto`);
  }
  return count;
}

/** The settings this section reads, each declared once for its reader and the reference. */
export const SERVER_SETTINGS = settingsSection(
  'Server',
  'What this instance is, where it listens, and how it stops.',
  {
    nodeEnv: setting({
      name: 'NODE_ENV',
      type: choice(NODE_ENVS),
      default: 'development',
      description:
        '`production` changes the defaults that say so, and refuses to start without ' +
        '`MONGODB_URI`, `KEY_ENCRYPTION_SECRET` and an https `ISSUER` (see [Production ' +
        'preflight](DEPLOYMENT.md#production-preflight)).',
    }),
    port: setting({
      name: 'PORT',
      type: whole(0, 65535),
      default: 25000,
      description: 'HTTP port.',
    }),
    host: setting({
      name: 'HOST',
      type: text('an address or host name'),
      default: '127.0.0.1',
      description:
        'Listen address (`0.0.0.0` in the Docker image). A host name is listened at one address, the first it resolves to (`localhost`: 127.0.0.1 or ::1), so `MAX_CONNECTIONS` counts every connection.',
    }),
    issuer: setting({
      name: 'ISSUER',
      type: text('an http(s) URL', httpUrl),
      default: { unset: '`http://localhost:<PORT>`' },
      description:
        'Issuer identifier and base of every endpoint URL; cookies are `Secure` (and the CSRF ' +
        'and session cookies `__Host-`) when it is https. Must be https in production unless ' +
        '`ALLOW_INSECURE_ISSUER=true`.',
    }),
    allowInsecureIssuer: setting({
      name: 'ALLOW_INSECURE_ISSUER',
      type: BOOLEAN,
      default: false,
      description:
        'Lets a production instance (`NODE_ENV=production`) start with an `http:` `ISSUER`, with ' +
        'a warning beside its ready line: for a local trial only (compose on localhost), never ' +
        'behind a public address. Ignored outside production.',
    }),
    logLevel: setting({
      name: 'LOG_LEVEL',
      type: choice(LOG_LEVELS),
      default: 'info',
      defaultNote: '(`silent` when `NODE_ENV=test`)',
      description: 'pino level; JSON lines, pretty-printed in development.',
    }),
    trustProxy: setting({
      name: 'TRUST_PROXY',
      type: text('a hop count, or a comma-separated list of addresses', trustProxy),
      default: { unset: 'no proxy' },
      fallback: false,
      description:
        'Behind a reverse proxy: the number of proxy hops (`1`), or a comma-separated list of ' +
        "the proxies' addresses, CIDR subnets, `loopback`, `linklocal`, `uniquelocal` (Fastify's " +
        '`trustProxy`). Rate limits and logs then take the client address from ' +
        '`X-Forwarded-For`; unset, they use the TCP peer and ignore the header. A hop count ' +
        'believes whoever connects (Fastify 5.12 dropped it for that reason, GHSA-3m5p-2c4r-xxw2; ' +
        'Proofgate keeps it for the client address only: its URLs come from `ISSUER`, never from ' +
        '`X-Forwarded-Host` or `-Proto`): use it only where the instance is reachable through the ' +
        "proxy alone, and prefer the proxies' addresses.",
    }),
    shutdownGraceSeconds: setting({
      name: 'SHUTDOWN_GRACE_SECONDS',
      type: whole(0, 600),
      default: 10,
      description:
        'On SIGTERM or SIGINT the instance stops accepting connections, reports not ready, ' +
        'answers what is under way (each connection closed after its answer, `Connection: ' +
        'close`) and exits; whatever is still open after this many seconds is cut. Keep it below ' +
        "the orchestrator's own grace period (Kubernetes: 30 s).",
    }),
    requestTimeoutSeconds: setting({
      name: 'REQUEST_TIMEOUT_SECONDS',
      type: whole(1, 600),
      default: 30,
      description:
        'A request nothing has answered after this many seconds is answered `503 ' +
        'temporarily_unavailable` (with `Retry-After`) and logged, so that no client waits for ' +
        'ever on a database command stuck on a lost connection (a defect of the MongoDB driver ' +
        '7.x; see `src/platform/http/request-deadline.ts`). A streamed answer already under way ' +
        'is not cut. It is also how long a client may take to send its request, headers and body ' +
        '(else `408`, the connection closed, within a second of it), and the most an idle ' +
        'keep-alive connection is kept (5 s, or this if shorter); see [Behind a reverse ' +
        'proxy](DEPLOYMENT.md#behind-a-reverse-proxy).',
    }),
    workers: setting({
      name: 'WORKERS',
      type: text(`a whole number from 1 to ${MAX_WORKERS}, or \`auto\``, workers),
      default: 1,
      defaultNote: '(`auto` in the Docker image)',
      description:
        "How many service processes this instance runs, sharing its port (Node's `cluster`): " +
        'JavaScript runs on one core per process, so on a machine of several cores one process ' +
        'leaves the others idle. `auto` starts one per CPU the process may use, counting a ' +
        "container's CPU limit (cgroup `cpu.max`), not the host's cores. Each worker has its own " +
        "database pool (the driver's: up to 100 connections) and its own `MAX_CONNECTIONS` (a " +
        "process's open-file limit is its own); a worker that " +
        'dies is replaced and logged; SIGTERM drains every worker as one instance drains. Nothing ' +
        "that decides a single-use redeem or a rate limit is held in one worker's memory (they are " +
        'in the database), so workers are as safe as instances of a fleet. See ' +
        '[Workers](DEPLOYMENT.md#workers).',
    }),
    maxConnections: setting({
      name: 'MAX_CONNECTIONS',
      type: whole(1, 1_000_000),
      default: 1000,
      description:
        'The most connections an instance holds open at once; a further one is closed as soon as ' +
        "it is accepted, unanswered. Keep it below the process's open-file limit (`ulimit -n`) " +
        "less what the database pool and outbound fetches need, and set the proxy's own cap per " +
        'instance below it. It counts every connection the instance accepts: `HOST=localhost` is ' +
        'listened at one address, and a server Fastify might make for another would share the count.',
    }),
  },
);

export function readServerConfig(env: EnvReader): ServerConfig {
  const nodeEnv = env.get(SERVER_SETTINGS.declared.nodeEnv);
  const port = env.get(SERVER_SETTINGS.declared.port);
  return Object.freeze({
    nodeEnv,
    isProduction: nodeEnv === 'production',
    issuer: env.get(SERVER_SETTINGS.declared.issuer, `http://localhost:${port}`),
    host: env.get(SERVER_SETTINGS.declared.host),
    port,
    logLevel: env.get(SERVER_SETTINGS.declared.logLevel, nodeEnv === 'test' ? 'silent' : 'info'),
    allowInsecureIssuer: env.get(SERVER_SETTINGS.declared.allowInsecureIssuer),
    trustProxy: env.get(SERVER_SETTINGS.declared.trustProxy),
    shutdownGraceSeconds: env.get(SERVER_SETTINGS.declared.shutdownGraceSeconds),
    requestTimeoutSeconds: env.get(SERVER_SETTINGS.declared.requestTimeoutSeconds),
    maxConnections: env.get(SERVER_SETTINGS.declared.maxConnections),
    workers: env.get(SERVER_SETTINGS.declared.workers, 1),
  });
}
