import { HttpClient } from './http';

/** A number of seconds the lab goes by, and where it was read (shown in the lab's row). */
export interface StatedSeconds {
  seconds: number;
  source: string;
}

/**
 * `policy.<name>` (seconds) of GET /challenge-models/<model>, as the service states it (`store.<name>`
 * with `object: 'store'`: a proof of possession's); when it does not (an error, a missing field,
 * the page switched off), `otherwise` decides, told what the service answered (e.g.
 * `/challenge-models/passkey answered 404`).
 */
export async function policySeconds(
  http: HttpClient,
  model: string,
  name: string,
  otherwise: (answered: string) => StatedSeconds | Promise<StatedSeconds>,
  object: 'policy' | 'store' = 'policy',
): Promise<StatedSeconds> {
  const path = `/challenge-models/${model}`;
  const reply = await http.get(path).catch(() => undefined);
  const stated =
    typeof reply?.json === 'object' && reply.json !== null
      ? (reply.json as Record<string, unknown>)[object]
      : undefined;
  const seconds =
    typeof stated === 'object' && stated !== null
      ? (stated as Record<string, unknown>)[name]
      : undefined;
  if (reply?.status === 200 && typeof seconds === 'number' && seconds >= 0) {
    return { seconds, source: `${object}.${name}` };
  }
  return otherwise(`${path} answered ${reply?.status ?? 'nothing'}`);
}
