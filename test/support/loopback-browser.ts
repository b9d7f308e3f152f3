import { IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { TestApp, listenOnFreePort } from './test-app';

export interface LoopbackReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * Starts the test app listening on 127.0.0.1, so requests can come from distinct source
 * addresses: on Linux every address of 127.0.0.0/8 is the loopback interface, and the service sees
 * each as its own client IP (`req.ip`).
 */
export async function listenOnLoopback(t: TestApp): Promise<string> {
  return `http://127.0.0.1:${await listenOnFreePort(t)}`;
}

/** A browser whose requests leave from `localAddress`, with its own cookie jar. */
export class LoopbackBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly baseUrl: string,
    readonly localAddress: string,
  ) {}

  get(path: string, headers: Record<string, string> = {}): Promise<LoopbackReply> {
    return this.send('GET', path, undefined, headers);
  }

  postForm(
    path: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<LoopbackReply> {
    return this.send('POST', path, new URLSearchParams(form).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    });
  }

  /** Loads the login form, then posts these credentials with its CSRF token. */
  async login(
    username: string,
    password: string,
    headers: Record<string, string> = {},
  ): Promise<LoopbackReply> {
    const page = await this.get('/login');
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1];
    if (page.status !== 200 || !csrf) throw new Error(`GET /login answered ${page.status}`);
    return this.postForm(
      '/login',
      { username, password, csrf_token: csrf, return_to: '/' },
      headers,
    );
  }

  private send(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<LoopbackReply> {
    const url = new URL(path, this.baseUrl);
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method,
          localAddress: this.localAddress,
          headers: {
            ...(cookie ? { cookie } : {}),
            ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
            ...headers,
          },
        },
        (res) => {
          for (const line of res.headers['set-cookie'] ?? []) {
            const [pair] = line.split(';');
            const eq = pair.indexOf('=');
            if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
          }
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parse(text) }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
