import type { ChallengeModelsResponseDto, PossessionModelViewDto } from './challenge-models.dto';
import { formatFigure } from './comparison-cells';
import { possessionSection } from './possession-models.page';

const HOSTILE = '<img src=x onerror=alert(1)>';

function window(byReason: Record<string, number>) {
  return {
    issued: 3,
    redeemed: 1,
    expired_unredeemed: 1,
    rejected: { total: 2, by_reason: byReason },
    redemption_latency_ms: { p50: null, p95: 250 },
  };
}

function model(id: 'dpop' | 'par'): PossessionModelViewDto {
  return {
    id,
    protocol: {
      name: `${id} ${HOSTILE}`,
      standard: [HOSTILE],
      client_generates: HOSTILE,
      sent_up_front: HOSTILE,
      server_stores: HOSTILE,
      bound_to: [HOSTILE],
      client_proves_later: HOSTILE,
      server_verifies: HOSTILE,
      cryptography: HOSTILE,
      endpoints: [HOSTILE],
    },
    threats: { stops: [HOSTILE], does_not_stop: [HOSTILE] },
    store: {
      challenge_kind: id === 'dpop' ? 'dpop_jti' : 'par_request_uri',
      lifetime_seconds: 60,
      storage: {
        collection: 'challenges',
        key: HOSTILE,
        ttl_index: { field: 'expiresAt', expire_after_seconds: 0 },
      },
      cost_per_request: HOSTILE,
      settings: { [HOSTILE]: HOSTILE },
    },
    figures: {
      live: 1,
      since: null,
      since_start: window({ [HOSTILE]: 2 }),
      last_5_minutes: window({}),
    },
  };
}

describe('possessionSection', () => {
  const view = {
    generated_at: '2026-01-01T00:00:00.000Z',
    window_seconds: 300,
    models: [],
    proof_of_possession: [model('dpop'), model('par')],
  } as ChallengeModelsResponseDto;
  const html = possessionSection(view);

  it('escapes every text it shows, figures included', () => {
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('shows the live request_uris of PAR only: a DPoP jti is recorded as used at once', () => {
    expect(html).toContain('data-model="par" data-figure="live">1</td>');
    expect(html).not.toContain('data-model="dpop" data-figure="live"');
  });

  it('names each refreshable cell by model and JSON path', () => {
    expect(html).toContain('<td data-model="par" data-figure="since_start.redeemed">1</td>');
    expect(html).toContain(
      '<td data-model="par" data-figure="last_5_minutes.rejected.by_reason">none</td>',
    );
    expect(html).toContain(
      '<td data-model="par" data-figure="since_start.redemption_latency_ms.p50">—</td>',
    );
  });
});

describe('formatFigure', () => {
  it('writes counts, missing percentiles and counts by reason', () => {
    expect(formatFigure(0)).toBe('0');
    expect(formatFigure(null)).toBe('—');
    expect(formatFigure({})).toBe('none');
    expect(formatFigure({ replay: 1, htu_mismatch: 2 })).toBe('replay 1, htu_mismatch 2');
  });
});
