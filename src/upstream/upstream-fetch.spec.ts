import type { CustomFetchOptions } from 'openid-client';
import {
  type FetchedResponse,
  GuardedFetcher,
  OutboundFetchError,
} from '../platform/http/outbound/guarded-fetcher';
import { HostResolver } from '../platform/http/outbound/host-resolver';
import { UpstreamAnswerRefused, upstreamFetch } from './upstream-fetch';

/** A fetcher that answers `answer` and remembers what it was asked. */
class Recording extends GuardedFetcher {
  readonly asked: Parameters<GuardedFetcher['exchange']>[] = [];
  constructor(private readonly answer: FetchedResponse) {
    super(undefined as unknown as HostResolver);
  }
  override exchange(...args: Parameters<GuardedFetcher['exchange']>): Promise<FetchedResponse> {
    this.asked.push(args);
    return Promise.resolve(this.answer);
  }
}

const json = (status: number, body: unknown): FetchedResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify(body)),
});

const post = (body: string): CustomFetchOptions => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'library/1' },
  body: new URLSearchParams(body),
  redirect: 'manual',
});

describe('upstreamFetch: openid-client through the SSRF guard', () => {
  const operator = { production: true, operatorHosts: new Set(['idp.corp.example']) };

  it('refuses plain http in production before anything is sent', async () => {
    const fetcher = new Recording(json(200, {}));
    const fetch = upstreamFetch(fetcher, operator);
    await expect(fetch('http://idp.corp.example/token', post('a=b'))).rejects.toThrow(
      new OutboundFetchError('scheme http: is not fetched in production'),
    );
    expect(fetcher.asked).toEqual([]);
  });

  it('lets only the hosts the operator named resolve to private addresses in production', async () => {
    const fetcher = new Recording(json(200, { ok: true }));
    const fetch = upstreamFetch(fetcher, operator);
    await fetch('https://idp.corp.example/token', post('a=b'));
    await fetch('https://keys.elsewhere.example/jwks', {
      ...post(''),
      method: 'GET',
      body: undefined,
    });
    expect(fetcher.asked.map(([url, , options]) => [url.host, options.allowPrivate])).toEqual([
      ['idp.corp.example', true],
      ['keys.elsewhere.example', false],
    ]);
    const [, sent] = fetcher.asked[0];
    expect(sent).toMatchObject({ method: 'POST', body: 'a=b' });
    expect(sent.headers['user-agent']).toMatch(/^Proofgate/);
  });

  it('reads a token endpoint’s 200 with an error (GitHub) as the 400 of RFC 6749 §5.2', async () => {
    const refused = await upstreamFetch(
      new Recording(json(200, { error: 'bad_verification_code' })),
      operator,
    )('https://idp.corp.example/token', post('code=x'));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'bad_verification_code' });
    const tokens = await upstreamFetch(
      new Recording(json(200, { access_token: 't', token_type: 'bearer' })),
      operator,
    )('https://idp.corp.example/token', post('code=x'));
    expect(tokens.status).toBe(200);
  });

  it('refuses an answer that names a member twice, naming it: the provider’s other clients may read the first', async () => {
    const twice: FetchedResponse = {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"keys":[{"kty":"EC","kid":"a","kid":"b"}]}'),
    };
    const fetch = upstreamFetch(new Recording(twice), operator);
    const get = { ...post(''), method: 'GET', body: undefined };
    await expect(fetch('https://idp.corp.example/jwks', get)).rejects.toThrow(
      new UpstreamAnswerRefused('the answer names member "kid" twice'),
    );
    const once = await upstreamFetch(
      new Recording(json(200, { keys: [{ kty: 'EC', kid: 'a' }] })),
      operator,
    )('https://idp.corp.example/jwks', get);
    expect(await once.json()).toEqual({ keys: [{ kty: 'EC', kid: 'a' }] });
  });

  it('refuses a token answer whose ID token’s claims name a member twice, naming it: openid-client would take the last sub', async () => {
    const segment = (text: string) => Buffer.from(text).toString('base64url');
    const idToken = (claims: string) =>
      `${segment('{"alg":"ES256","kid":"k"}')}.${segment(claims)}.${segment('signature')}`;
    const claims = '"iss":"https://idp.corp.example","aud":"proofgate","nonce":"n"';
    const answer = (claimsText: string) =>
      json(200, { access_token: 't', token_type: 'Bearer', id_token: idToken(claimsText) });
    await expect(
      upstreamFetch(new Recording(answer(`{"sub":"alice",${claims},"sub":"mallory"}`)), operator)(
        'https://idp.corp.example/token',
        post('code=x'),
      ),
    ).rejects.toThrow(new UpstreamAnswerRefused('the answer\'s id_token names member "sub" twice'));
    const once = await upstreamFetch(new Recording(answer(`{"sub":"alice",${claims}}`)), operator)(
      'https://idp.corp.example/token',
      post('code=x'),
    );
    expect(await once.json()).toMatchObject({ id_token: idToken(`{"sub":"alice",${claims}}`) });
  });

  it('passes an answer that is not JSON (a signed user info, a form) on for openid-client to judge', async () => {
    const jwt: FetchedResponse = {
      status: 200,
      headers: { 'content-type': 'application/jwt' },
      body: Buffer.from('eyJhbGciOiJFUzI1NiJ9.e30.sig'),
    };
    const answer = await upstreamFetch(new Recording(jwt), operator)(
      'https://idp.corp.example/userinfo',
      { ...post(''), method: 'GET', body: undefined },
    );
    expect(await answer.text()).toBe('eyJhbGciOiJFUzI1NiJ9.e30.sig');
  });
});
