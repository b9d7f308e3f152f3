import { Logger } from '@nestjs/common';
import { recordAnsweredByDeadline } from '../errors/answered-error';
import { sendErrorEnvelope } from '../errors/protocol-error.filter';
import { TemporarilyUnavailable } from '../errors/protocol-error';
import { type HttpRequest, type HttpResponse, headersSent, requestPath } from './http-exchange';
import type { RequestStep } from './in-sequence';

/**
 * REQUEST_TIMEOUT_SECONDS: a request that nothing has answered after `timeoutMs` is answered
 * `503 temporarily_unavailable` (with `Retry-After`), in the one error envelope, and logged.
 *
 * Why a bound of the service's own: the MongoDB driver (7.x) can leave a command pending for
 * ever. A command larger than the socket's buffer (a batch of grants, a bulk write) is written
 * and then waits for the socket's `drain`, listening for `drain` and `error` only
 * (`Connection.writeCommand`); when the driver itself destroys that connection meanwhile (its
 * `socketTimeoutMS` firing, the client closed by DatabaseWatchdog's reconnect, any cleanup that
 * is not a socket error), neither event comes, and the request waits for an answer that never
 * does. `socketTimeoutMS` does not help (it is what destroys the socket), and the driver's
 * `timeoutMS` has no effect in 7.x (test/e2e/platform/request-deadline.e2e-spec.ts shows both).
 *
 * A response whose head has left (a streamed lab run) is not touched. Nothing is cancelled: the
 * request's work goes on, and what it answers later is dropped (see ProtocolErrorFilter). A
 * single-use redemption it completes is then one whose answer was lost, as when an instance dies
 * mid-request: its retry is refused as already used.
 */
export function requestDeadline(timeoutMs: number): RequestStep<HttpRequest, HttpResponse> {
  const logger = new Logger('RequestDeadline');
  return (req, res, next) => {
    const timer = setTimeout(() => {
      if (headersSent(res) || res.raw.writableEnded) return;
      recordAnsweredByDeadline(res);
      logger.warn(
        `${req.method} ${requestPath(req)} unanswered after ${timeoutMs / 1000} s: answered 503 ` +
          '(a database command may be stuck on a lost connection)',
      );
      sendErrorEnvelope(
        res,
        new TemporarilyUnavailable('The request took too long to complete; retry shortly', 1),
      );
    }, timeoutMs);
    // A timer per request, cleared when its response closes (finished or cut).
    timer.unref();
    res.raw.once('close', () => clearTimeout(timer));
    next();
  };
}
