import etag from 'etag';
import type { FastifyReply, onSendHookHandler } from 'fastify';
import fresh from 'fresh';

/** Responses sent without an ETag: redirects, which Express writes with `res.end`. */
const withoutEtag = new WeakSet<object>();

export function sendWithoutEtag(res: FastifyReply): void {
  withoutEtag.add(res);
}

/**
 * Express's default for the bodies it sends (`res.send`, `res.json`): a weak ETag of the body
 * (`W/"<length>-<sha1>"`, the `etag` package), and a 304 without body when If-None-Match names
 * it. As a Fastify onSend hook, for string and Buffer bodies; streams (static files) carry their
 * own. Only for GET and HEAD, the requests a tag can revalidate (RFC 9110 §13.1.2): Express also
 * hashed every POST's answer (a token response, a nonce) for a tag no client can use.
 */
export function expressEtags(): onSendHookHandler<unknown> {
  return (req, res, payload, done) => {
    if (
      (req.method !== 'GET' && req.method !== 'HEAD') ||
      (typeof payload !== 'string' && !Buffer.isBuffer(payload)) ||
      withoutEtag.has(res) ||
      res.hasHeader('etag')
    ) {
      done(null, payload);
      return;
    }
    const tag = etag(payload, { weak: true });
    res.header('etag', tag);
    const status = res.statusCode;
    if (
      ((status >= 200 && status < 300) || status === 304) &&
      fresh(req.headers, { etag: tag, 'last-modified': res.getHeader('last-modified') })
    ) {
      res.code(304).removeHeader('content-type').removeHeader('content-length');
      done(null, '');
      return;
    }
    done(null, payload);
  };
}
