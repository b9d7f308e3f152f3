/**
 * The bodies the service reads: forms and JSON, UTF-8, uncompressed, at most 16 KB and 50 form
 * fields. What it does not read is refused in the one envelope with the status that says why
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

  it('keeps the connection open after refusing a body it read off', async () => {
    const agent = t.http();
    const refused = await agent.post('/token').set('Content-Type', 'text/plain').send(tokenForm);
    expect(refused.status).toBe(415);
    expect(refused.headers.connection).not.toBe('close');
  });
});
