import type { ChallengeStore } from '../../challenges/challenge-store';
import type { IssueChallenge, StoredChallenge } from '../../challenges/challenge';
import { sha256Base64Url } from '../../platform/crypto/hashing';
import { SignInMarkers, requestWithoutMarker, withMarker } from './sign-in-marker';

const REQUEST =
  '/authorize?client_id=c&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=openid profile&prompt=login';

describe('the sign-in marker’s way back', () => {
  it('hashes the way back as the way out: the marker set, then left out, gives the same request', () => {
    const back = withMarker(REQUEST, 'k'.repeat(43));
    expect(back).toContain(`pg_signin=${'k'.repeat(43)}`);
    expect(requestWithoutMarker(back)).toBe(requestWithoutMarker(REQUEST));
    // A stale marker on the request is replaced, not repeated.
    const again = withMarker(back, 'j'.repeat(43));
    expect(new URLSearchParams(again.split('?')[1]).getAll('pg_signin')).toEqual(['j'.repeat(43)]);
    expect(requestWithoutMarker(again)).toBe(requestWithoutMarker(REQUEST));
  });

  it('tells requests apart by every parameter but the marker', () => {
    expect(requestWithoutMarker(`${REQUEST}&state=1`)).not.toBe(requestWithoutMarker(REQUEST));
  });
});

describe('SignInMarkers', () => {
  const request = { clientId: 'c', presession: 'p'.repeat(43), url: REQUEST };
  const binding = {
    client_id: 'c',
    browser: sha256Base64Url('p'.repeat(43)),
    request: sha256Base64Url(requestWithoutMarker(REQUEST)),
  };

  function markers(consumed: StoredChallenge<{ since?: string }>) {
    const issued: IssueChallenge<unknown>[] = [];
    const store = {
      issue: jest.fn((input: IssueChallenge<unknown>) => {
        issued.push(input);
        return Promise.resolve({ ...consumed, binding: input.binding });
      }),
      consume: jest.fn(() => Promise.resolve({ ok: true as const, challenge: consumed })),
    };
    return { service: new SignInMarkers(store as unknown as ChallengeStore), store, issued };
  }

  const createdAt = new Date('2026-01-01T12:00:00Z');
  const stored = (payload: { since?: string }): StoredChallenge<{ since?: string }> => ({
    kind: 'sign_in_marker',
    keyHash: 'h',
    binding,
    payload,
    createdAt,
    expiresAt: new Date(createdAt.getTime() + 600_000),
  });

  it('binds the marker to the client, the browser’s pre-login session and the request, all hashed', async () => {
    const { service, issued } = markers(stored({}));
    const key = await service.mint(request);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued).toEqual([
      { kind: 'sign_in_marker', key, binding, payload: {}, ttlSeconds: 600 },
    ]);
    expect(JSON.stringify(issued)).not.toContain('p'.repeat(43));
  });

  it('redeems with the same binding: since the marker’s issue, or the moment it carries over', async () => {
    const fresh = markers(stored({}));
    await expect(fresh.service.redeem('k'.repeat(43), request)).resolves.toEqual({
      ok: true,
      since: createdAt,
    });
    expect(fresh.store.consume).toHaveBeenCalledWith('sign_in_marker', 'k'.repeat(43), binding);
    const carried = markers(stored({ since: '2026-01-01T11:55:00.000Z' }));
    await expect(carried.service.redeem('k'.repeat(43), request)).resolves.toEqual({
      ok: true,
      since: new Date('2026-01-01T11:55:00Z'),
    });
  });

  it('looks nothing up for a key of another shape (a made-up or old-style marker)', async () => {
    const { service, store } = markers(stored({}));
    await expect(service.redeem(`${Date.now()}.${'A'.repeat(43)}`, request)).resolves.toEqual({
      ok: false,
      reason: 'unknown',
    });
    expect(store.consume).not.toHaveBeenCalled();
  });
});
