import { connectionLimits } from './connection-limits';

describe('connectionLimits', () => {
  it('gives a client REQUEST_TIMEOUT_SECONDS for its headers and its whole request', () => {
    expect(connectionLimits({ requestTimeoutSeconds: 30, maxConnections: 1000 })).toEqual({
      headersTimeoutMs: 30_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5000,
      timeoutCheckIntervalMs: 1000,
      maxConnections: 1000,
    });
  });

  it('keeps an idle connection no longer than a request may take to arrive', () => {
    expect(
      connectionLimits({ requestTimeoutSeconds: 2, maxConnections: 3 }).keepAliveTimeoutMs,
    ).toBe(2000);
  });
});
