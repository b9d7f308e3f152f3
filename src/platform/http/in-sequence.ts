/** One step of the request pipeline: `next()` to go on, `next(error)` to fail, or answer itself. */
export type RequestStep<Req, Res> = (
  req: Req,
  res: Res,
  next: (error?: unknown) => void,
) => unknown;

/**
 * Several steps run as one: each in turn, as one Fastify `onRequest` hook (or one middleware layer
 * of any Connect-style router). An error (passed on or thrown) skips the rest and goes to the
 * platform's error handling; a step that answers the request itself (a CORS preflight) does not
 * call `next`. What every request runs is grouped: each hook or layer has its own bookkeeping per
 * request.
 */
export function inSequence<Req, Res>(
  ...handlers: readonly RequestStep<Req, Res>[]
): RequestStep<Req, Res> {
  return (req: Req, res: Res, next: (error?: unknown) => void) => {
    let index = 0;
    const step = (error?: unknown): void => {
      if (error !== undefined && error !== null) {
        next(error);
        return;
      }
      const handler = handlers[index++];
      if (!handler) {
        next();
        return;
      }
      try {
        void handler(req, res, step);
      } catch (thrown) {
        next(thrown);
      }
    };
    step();
  };
}
