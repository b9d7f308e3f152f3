/**
 * The lab's only way to reach Proofgate: plain HTTP against its public API, like any client
 * (the synthetic login of tools/probe goes the same way, with a timeout per request).
 * Redirects are never followed (every 302/303 is something the lab asserts), cookies are kept
 * per name, as a browser would for one origin.
 */
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';

export interface Reply {
  status: number;
  /** The Location header, for redirects. */
  location: string | null;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  /** Every response header (e.g. `DPoP-Nonce`, `WWW-Authenticate`). */
  headers: Headers;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  form?: Record<string, string>;
  json?: unknown;
}

export class HttpClient {
  private readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    /** Aborts every request in flight, and refuses new ones, once the run is stopped. */
    private readonly signal?: AbortSignal,
    /** Gives up on a request (a `TimeoutError`) that has not answered in this long. */
    private readonly timeoutMs?: number,
    /**
     * Connects from this local address (e.g. another loopback address, 127.0.0.0/8): a client
     * the service counts apart from the lab's other requests, as an attacker elsewhere would be.
     */
    localAddress?: string,
  ) {
    this.agent = localAddress === undefined ? undefined : new Agent({ localAddress });
  }

  private readonly agent: Agent | undefined;

  get(path: string, options: RequestOptions = {}): Promise<Reply> {
    return this.send('GET', path, options);
  }

  post(path: string, options: RequestOptions = {}): Promise<Reply> {
    return this.send('POST', path, options);
  }

  delete(path: string, options: RequestOptions = {}): Promise<Reply> {
    return this.send('DELETE', path, options);
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Reply> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (cookie) headers.cookie = cookie;

    const init = {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: this.requestSignal(),
    } as const;
    const url = new URL(path, this.baseUrl);
    const response: Response = this.agent
      ? await undiciFetch(url, { ...init, dispatcher: this.agent })
      : await fetch(url, init);
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const text = await response.text();
    return {
      status: response.status,
      location: response.headers.get('location'),
      text,
      json: parse(text),
      headers: response.headers,
    };
  }

  private requestSignal(): AbortSignal | undefined {
    if (this.timeoutMs === undefined) return this.signal;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A string field of a JSON object body, if there is one. */
export function field(json: unknown, name: string): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const value = (json as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** The `csrf_token` hidden field of a form the service rendered (the login page's, /device's). */
export function csrfTokenOf(page: Reply): string | undefined {
  return /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1];
}

/**
 * Where a client of its own reaches the service from: when the service is on this machine, a
 * random loopback address of 127.0.0.0/8 (almost surely in a /24 of its own), so the service
 * counts its requests apart from the lab's others, as it would a person elsewhere; else the lab's
 * own address (`address` undefined).
 */
export function anotherAddress(baseUrl: string): { baseUrl: string; address?: string } {
  const url = new URL(baseUrl);
  const loopback =
    url.hostname === 'localhost' || (isIP(url.hostname) === 4 && url.hostname.startsWith('127.'));
  if (!loopback) return { baseUrl };
  // An IPv4 source needs an IPv4 destination: localhost may resolve to ::1 first.
  url.hostname = '127.0.0.1';
  const address = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
  return { baseUrl: url.origin, address };
}
