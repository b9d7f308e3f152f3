import type { LogoutConfig } from '../../config/sections/logout.config';
import type { SsfConfig } from '../../config/sections/ssf.config';
import type { GuardedFetcher } from '../../platform/http/outbound/guarded-fetcher';
import type { SsfEvent } from '../outbox/ssf-event';
import type { SetSigner } from '../set-signer';
import { PUSH_DELIVERY } from '../ssf-events';
import { SsfPushSender } from './ssf-push.sender';

const EVENT: SsfEvent = {
  jti: 'jti-1',
  streamId: 'stream-1',
  receiver: 'receiver-1',
  mode: 'push',
  claims: { iss: 'https://proofgate.example' },
  createdAt: new Date(0),
  giveUpAt: new Date(86_400_000),
  attempts: 1,
};

/** A sender whose fetcher does as Node's fetch does with a header value it cannot send. */
function sender() {
  const exchange = jest.fn((_target: URL, init: { headers: Record<string, string> }) => {
    if (Object.values(init.headers).some((value) => /[\r\n]/.test(value))) {
      return Promise.reject(new TypeError('Invalid character in header content ["authorization"]'));
    }
    return Promise.resolve({ status: 202 });
  });
  const push = new SsfPushSender(
    { sign: () => Promise.resolve('signed.set.jwt') } as unknown as SetSigner,
    { exchange } as unknown as GuardedFetcher,
    { allowPrivate: true } as LogoutConfig,
    { timeoutMs: 1_000 } as SsfConfig,
  );
  return { push, exchange };
}

describe('SsfPushSender', () => {
  it('pushes with the stream authorization_header', async () => {
    const { push, exchange } = sender();
    const delivery = {
      method: PUSH_DELIVERY,
      endpointUrl: 'https://receiver.example/events',
      authorizationHeader: 'Bearer fine\ttoken',
    } as const;
    await expect(push.send(EVENT, delivery)).resolves.toEqual({ ok: true });
    expect(exchange).toHaveBeenCalledTimes(1);
  });

  it('records a stored authorization_header no push can carry as a failure tried again, not a throw', async () => {
    const { push, exchange } = sender();
    const delivery = {
      method: PUSH_DELIVERY,
      endpointUrl: 'https://receiver.example/events',
      authorizationHeader: 'Bearer x\r\nX-Injected: 1',
    } as const;
    await expect(push.send(EVENT, delivery)).resolves.toEqual({
      ok: false,
      error: 'the stream authorization_header is not an HTTP field value: replace it',
    });
    expect(exchange).not.toHaveBeenCalled();
  });

  it('pushes nothing for a stream whose stored header does not open, and says so, to be tried again', async () => {
    const { push, exchange } = sender();
    const delivery = {
      method: PUSH_DELIVERY,
      endpointUrl: 'https://receiver.example/events',
      authorizationHeaderUnreadable: true,
    } as const;
    await expect(push.send(EVENT, delivery)).resolves.toEqual({
      ok: false,
      error:
        'the stream authorization_header does not open with this KEY_ENCRYPTION_SECRET: replace it',
    });
    expect(exchange).not.toHaveBeenCalled();
  });
});
