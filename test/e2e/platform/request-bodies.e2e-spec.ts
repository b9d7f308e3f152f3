/**
 * The bodies the service reads: forms and JSON, UTF-8, uncompressed, at most 16 KB and 50 form
 * fields, JSON an object at the top, each JSON object naming a member once. What it does not read is refused in the one envelope with the status that says why
 * (RFC 9110 §15.5.14 and §15.5.16), before any route sees it, rather than read as an empty body
 * and refused for a missing field.
 */
import { gzipSync } from 'node:zlib';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';

const UNREAD_TYPE =
  'The request body is neither application/x-www-form-urlencoded nor application/json';

describe('request bodies', () => {
  const t = useTestApp();

  const tokenForm = new URLSearchParams({
    grant_type: 'authorization_code',
    code: 'abc',
    client_id: 'demo-spa',
  }).toString();

  it('refuses a body over 16 KB with 413, whatever its type says', async () => {
    const padding = 'x'.repeat(17 * 1024);
    const form = await t.http().post('/token').type('form').send(`${tokenForm}&pad=${padding}`);
    expectRefusal(form, 413, 'invalid_request', 'The request body is too large');
    const json = await t.http().post('/wallet/nonce').type('json').send({ address: padding });
    expectRefusal(json, 413, 'invalid_request', 'The request body is too large');
    const text = await t.http().post('/token').set('Content-Type', 'text/plain').send(padding);
    expectRefusal(text, 413, 'invalid_request', 'The request body is too large');
  });

  it('refuses a form of more than 50 fields with 413', async () => {
    const fields = Array.from({ length: 51 }, (_, i) => `f${i}=1`).join('&');
    const res = await t.http().post('/token').type('form').send(fields);
    expectRefusal(res, 413, 'invalid_request', 'The request body has too many fields');
  });

  it.each([
    ['text/plain', tokenForm],
    ['application/xml', '<grant_type>authorization_code</grant_type>'],
    [
      'multipart/form-data; boundary=b',
      `--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--`,
    ],
  ])('refuses a %s body with 415, not as a request missing its fields', async (type, body) => {
    const res = await t.http().post('/token').set('Content-Type', type).send(body);
    expectRefusal(res, 415, 'invalid_request', UNREAD_TYPE);
  });

  it('refuses a body with no Content-Type with 415', async () => {
    // supertest names no type for a Buffer: the request carries Content-Length alone.
    const res = await t.http().post('/token').send(Buffer.from(tokenForm));
    expectRefusal(res, 415, 'invalid_request', UNREAD_TYPE);
  });

  it('refuses a compressed body, and one in another charset than UTF-8, with 415', async () => {
    const gzip = await t
      .http()
      .post('/token')
      .type('form')
      .set('Content-Encoding', 'gzip')
      .send(gzipSync(tokenForm));
    expectRefusal(
      gzip,
      415,
      'invalid_request',
      'The request body must not be compressed (Content-Encoding)',
    );
    const latin1 = await t
      .http()
      .post('/wallet/nonce')
      .set('Content-Type', 'application/json; charset=iso-8859-1')
      .send('{"address":"0x"}');
    expectRefusal(latin1, 415, 'invalid_request', 'The request body is not in UTF-8');
  });

  it('reads charset=utf8, a common name for UTF-8, as UTF-8, in a form and in JSON', async () => {
    const address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    for (const [type, body] of [
      ['application/x-www-form-urlencoded; charset=utf8', `address=${address}&chainId=eip155%3A1`],
      ['application/json; charset=UTF8', `{"address":"${address}","chainId":1}`],
    ]) {
      const res = await t.http().post('/wallet/nonce').set('Content-Type', type).send(body);
      expect(res.status).toBe(201);
    }
  });

  it('reads an empty body of any type as no body: the route refuses what is missing', async () => {
    const empty = await t.http().post('/wallet/nonce').set('Content-Type', 'text/plain').send('');
    const none = await t.http().post('/wallet/nonce');
    expect(empty.status).toBe(400);
    expect(empty.body).toEqual(none.body);
    expect(empty.body.error_description).toMatch(/address/);
  });

  // Every endpoint reads named members. An array reached the route as members "0", "1"…
  // ("Unknown parameter: 0"), and null, a string, a number or a boolean, all valid JSON, was
  // refused as "not valid JSON".
  it.each([
    ['an array', '[{"address":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","chainId":1}]'],
    ['an empty array', '[]'],
    ['null', 'null'],
    ['a string', '"0x70997970C51812dc3A010C7d01b50e0d17dc79C8"'],
    ['a number', ' 7 '],
    ['a boolean', 'true'],
  ])('refuses a JSON body that is %s, not an object, with 400 saying so', async (_, body) => {
    for (const path of ['/wallet/nonce', '/register']) {
      const res = await t.http().post(path).type('json').send(body);
      expectRefusal(res, 400, 'invalid_request', 'The request body must be a JSON object');
    }
  });

  it.each([['nul'], ['[1,'], ['{"address":}'], ["'x'"]])(
    'refuses %s, which does not parse, as not valid JSON',
    async (body) => {
      const res = await t.http().post('/wallet/nonce').type('json').send(body);
      expectRefusal(res, 400, 'invalid_request', 'The request body is not valid JSON');
    },
  );

  it('refuses a field named as a member every object has, in JSON and in a form', async () => {
    const address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    const json = await t
      .http()
      .post('/wallet/nonce')
      .type('json')
      .send(`{"address":"${address}","chainId":1,"constructor":"x"}`);
    expectRefusal(json, 400, 'invalid_request', 'Unknown parameter: constructor');
    const form = await t
      .http()
      .post('/wallet/nonce')
      .type('form')
      .send(`address=${address}&chainId=eip155%3A1&toString=1`);
    expectRefusal(form, 400, 'invalid_request', 'Unknown parameter: toString');
  });

  describe('a JSON object that names a member twice', () => {
    const address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    const other = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
    const nonce = (body: string) => t.http().post('/wallet/nonce').type('json').send(body);

    // RFC 7493 §2.3 (I-JSON): names MUST NOT be duplicated. JSON.parse keeps the last silently,
    // where a proxy in front may keep the first: the two would read different requests.
    it('is refused with 400 naming the member, not its values', async () => {
      const res = await nonce(`{"address":"${address}","chainId":1,"address":"${other}"}`);
      expectRefusal(res, 400, 'invalid_request', 'The request body names member "address" twice');
      const once = await nonce(`{"address":"${other}","chainId":1}`);
      expect(once.status).toBe(201);
    });

    it('is refused whether the names are written alike or with an escape, at any depth', async () => {
      const escaped = await nonce(
        `{"address":"${address}","chainId":1,"\\u0061ddress":"${other}"}`,
      );
      expectRefusal(
        escaped,
        400,
        'invalid_request',
        'The request body names member "address" twice',
      );
      const deep = await nonce(`{"address":"${address}","chainId":1,"x":[{"y":{"z":1,"z":2}}]}`);
      expectRefusal(deep, 400, 'invalid_request', 'The request body names member "z" twice');
    });

    it('cuts a long name at 64 characters', async () => {
      const name = 'n'.repeat(200);
      const res = await nonce(`{"${name}":1,"${name}":2}`);
      expectRefusal(
        res,
        400,
        'invalid_request',
        `The request body names member "${'n'.repeat(64)}"… twice`,
      );
    });

    it('is refused at /register, where unknown metadata is ignored', async () => {
      const client =
        '"redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"none"';
      const register = (body: string) => t.http().post('/register').type('json').send(body);
      const twice = await register(`{${client},"client_name":"Agenda","client_name":"Proofgate"}`);
      expectRefusal(
        twice,
        400,
        'invalid_request',
        'The request body names member "client_name" twice',
      );
      // The same name in sibling or nested objects, and a value that reads as a member, are fine.
      const once = await register(
        `{${client},"client_name":"Agenda","x":{"client_name":1},` +
          `"y":[{"client_name":{"client_name":"\\"client_name\\":2"}}]}`,
      );
      expect(once.status).toBe(201);
      expect(once.body.client_name).toBe('Agenda');
    });
  });

  it('keeps the connection open after refusing a body it read off', async () => {
    const agent = t.http();
    const refused = await agent.post('/token').set('Content-Type', 'text/plain').send(tokenForm);
    expect(refused.status).toBe(415);
    expect(refused.headers.connection).not.toBe('close');
  });
});
