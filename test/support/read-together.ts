/**
 * Sends two requests whose handlers both read through `target[method]` before either goes on:
 * each call of the method waits, after its read, until the other has read too. Both requests so
 * pass their If-Match check before either writes, the interleaving a check-then-write lets both
 * through, forced rather than hoped for. The method is itself again once both answered.
 */
export async function readTogether<T extends object, R>(
  target: T,
  method: jest.FunctionPropertyNames<Required<T>>,
  requests: readonly [() => PromiseLike<R>, () => PromiseLike<R>],
): Promise<R[]> {
  const read = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
  let arrive!: () => void;
  const bothRead = new Promise<void>((resolve) => {
    let waiting = requests.length;
    arrive = () => {
      waiting -= 1;
      if (waiting === 0) resolve();
    };
  });
  const spy = jest.spyOn(target, method).mockImplementation((async (...args: unknown[]) => {
    const value = await read(...args);
    arrive();
    await bothRead;
    return value;
  }) as never);
  try {
    return await Promise.all(requests.map((send) => send()));
  } finally {
    spy.mockRestore();
  }
}

/**
 * The answers of two requests raced by readTogether: exactly one made the change (`status`), the
 * other was refused `412 precondition_failed` with `description`.
 */
export function oneWinner<R extends { status: number; body: unknown }>(
  answers: readonly R[],
  description: string | RegExp,
  status = 200,
): { winner: R; loser: R } {
  expect(answers.map((answer) => answer.status).sort()).toEqual([status, 412].sort());
  const winner = answers.find((answer) => answer.status === status)!;
  const loser = answers.find((answer) => answer.status === 412)!;
  expect(loser.body).toEqual({
    error: 'precondition_failed',
    error_description:
      typeof description === 'string' ? description : expect.stringMatching(description),
  });
  return { winner, loser };
}
