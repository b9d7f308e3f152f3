import { Pool } from 'undici';

export interface Answer {
  readonly status: number;
  readonly location?: string;
  readonly text: string;
}

/**
 * A scripted browser for one origin, used before the clock starts (logins, authorization
 * requests): keeps cookies by name, never follows redirects, so the caller reads each Location.
 * Cookie paths and attributes are ignored: the flows here never depend on them.
 */
export class Browser {
  private readonly cookies = new Map<string, string>();
  private readonly pool: Pool;

  constructor(readonly origin: string) {
    this.pool = new Pool(origin, { connections: 16, pipelining: 1 });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The Cookie header this browser sends now, for requests another process sends in its name. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string): Promise<Answer> {
    return this.send('GET', path);
  }

  /** A GET asking for JSON (`Accept: application/json`), e.g. the approvals page's data. */
  async getJson(path: string): Promise<Answer> {
    return this.send('GET', path, undefined, { accept: 'application/json' });
  }

  async postForm(path: string, form: Record<string, string>): Promise<Answer> {
    return this.send('POST', path, new URLSearchParams(form).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
  }

  /** A POST of JSON, as a page's script sends it (the login page's wallet sign-in). */
  async postJson(path: string, body: unknown): Promise<Answer> {
    return this.send('POST', path, JSON.stringify(body), {
      accept: 'application/json',
      'content-type': 'application/json',
    });
  }

  async close(): Promise<void> {
    if (!this.pool.closed && !this.pool.destroyed) await this.pool.close();
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    body?: string,
    extra: Record<string, string> = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'text/html', ...extra };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    const res = await this.pool.request({
      method,
      path: relative(path, this.origin),
      headers,
      body,
    });
    const text = await res.body.text();
    const setCookie = res.headers['set-cookie'];
    for (const line of setCookie === undefined ? [] : [setCookie].flat()) this.store(line);
    const location = res.headers.location;
    return {
      status: res.statusCode,
      text,
      ...(typeof location === 'string'
        ? { location: new URL(location, this.origin).toString() }
        : {}),
    };
  }

  private store(line: string): void {
    const [pair, ...attributes] = line.split(';');
    const separator = pair.indexOf('=');
    if (separator < 0) return;
    const name = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    const expired = attributes.some((a) => {
      const [key, val = ''] = a.split('=').map((s) => s.trim().toLowerCase());
      return (
        (key === 'max-age' && Number(val) <= 0) ||
        (key === 'expires' && Date.parse(val) < Date.now())
      );
    });
    if (expired || value === '') this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

/** The path and query of `url` when it is on `origin` (or already relative). */
function relative(url: string, origin: string): string {
  if (url.startsWith('/')) return url;
  const parsed = new URL(url);
  if (parsed.origin !== new URL(origin).origin) throw new Error(`${url} is not on ${origin}`);
  return `${parsed.pathname}${parsed.search}`;
}

/** Runs `task(i)` for i in [0, n) with at most `limit` at once; results in order. */
export async function inBatches<T>(
  n: number,
  limit: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      for (let i = next++; i < n; i = next++) results[i] = await task(i);
    }),
  );
  return results;
}

export function basicAuth(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}
