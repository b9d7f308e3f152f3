import etag from 'etag';
import type { FastifyReply, onSendHookHandler } from 'fastify';
import fresh from 'fresh';

/** Responses sent without an ETag: redirects, which Express writes with `res.end`. */
const withoutEtag = new WeakSet<object>();

export function sendWithoutEtag(res: FastifyReply): void {
  withoutEtag.add(res);
}

/**
 * Express's default for every body it sends (`res.send`, `res.json`): a weak ETag of the body
 * (`W/"<length>-<sha1>"`, the `etag` package), and a 304 without body when a GET or HEAD's
 * If-None-Match names it. As a Fastify onSend hook, for string and Buffer bodies; streams (static
 * files) carry their own.
 */
export function expressEtags(): onSendHookHandler<unknown> {
  return (req, res, payload, done) => {
    if (
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
      (req.method === 'GET' || req.method === 'HEAD') &&
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
