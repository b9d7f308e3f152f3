import etag from 'etag';
import type { FastifyReply, onSendHookHandler } from 'fastify';
import fresh from 'fresh';

/** Responses sent without an ETag: redirects, whose body (if any) is not a representation. */
const withoutEtag = new WeakSet<object>();

export function sendWithoutEtag(res: FastifyReply): void {
  withoutEtag.add(res);
}

/**
 * Conditional GET for every body the service sends: a weak entity tag of the body (RFC 9110
 * §8.8.3 and §8.8.1: `W/"<length>-<sha1>"`, the `etag` package), and 304 Not Modified without a
 * body when If-None-Match names it (§13.1.2, §15.4.5). As a Fastify onSend hook, for string and
 * Buffer bodies; streams (static files) carry their own. Only for GET and HEAD, the requests a
 * tag can revalidate (§13.1.2): a POST's answer (a token response, a nonce) is never hashed for a
 * tag no client can use.
 */
export function weakBodyEtags(): onSendHookHandler<unknown> {
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
