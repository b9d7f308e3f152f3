import {
  InvalidRequest,
  InvalidScope,
  InvalidTarget,
} from '../../../../platform/errors/protocol-error';
import type { Actor } from '../../../../tokens/access-token';
import {
  ACCESS_TOKEN_TYPE,
  actingClient,
  checkTokenTypes,
  exchangeTarget,
  narrowedScope,
} from './check-exchange';

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('checkTokenTypes (RFC 8693 §2.1)', () => {
  it('takes an access token for an access token, the requested type optional', () => {
    expect(() => checkTokenTypes(ACCESS_TOKEN_TYPE)).not.toThrow();
    expect(() => checkTokenTypes(ACCESS_TOKEN_TYPE, ACCESS_TOKEN_TYPE)).not.toThrow();
  });

  it('refuses any other subject or requested type with invalid_request', () => {
    const subject = refusal(() => checkTokenTypes('urn:ietf:params:oauth:token-type:id_token'));
    expect(subject).toBeInstanceOf(InvalidRequest);
    expect(subject).toMatchObject({ reason: 'unsupported_subject_token_type' });
    const requested = refusal(() =>
      checkTokenTypes(ACCESS_TOKEN_TYPE, 'urn:ietf:params:oauth:token-type:jwt'),
    );
    expect(requested).toBeInstanceOf(InvalidRequest);
    expect(requested).toMatchObject({ reason: 'unsupported_requested_token_type' });
  });
});

describe('narrowedScope', () => {
  it("keeps the subject token's scope when none is asked, or the part asked", () => {
    expect(narrowedScope('profile api', undefined)).toBe('profile api');
    expect(narrowedScope('profile api', 'api')).toBe('api');
    expect(narrowedScope('profile api', 'api profile api')).toBe('api profile');
  });

  it('refuses any value beyond it with invalid_scope', () => {
    const error = refusal(() => narrowedScope('profile', 'profile api'));
    expect(error).toBeInstanceOf(InvalidScope);
    expect(error).toMatchObject({
      description: 'The requested scope exceeds the scope of the subject token',
      reason: 'scope_escalation',
    });
    expect(refusal(() => narrowedScope('profile', ' '))).toBeInstanceOf(InvalidScope);
  });
});

describe('exchangeTarget', () => {
  const API = 'https://api.example/';
  const MCP = 'https://mcp.example/mcp';

  it("is the subject token's resource, named by resource, audience or neither", () => {
    expect(exchangeTarget(API, undefined, {})).toBe(API);
    expect(exchangeTarget(API, undefined, { resource: API })).toBe(API);
    expect(exchangeTarget(API, undefined, { audience: API })).toBe(API);
    expect(exchangeTarget(API, undefined, { resource: API, audience: API })).toBe(API);
  });

  it('is another resource of a grant that authorized several (RFC 8707 §2), by either name', () => {
    expect(exchangeTarget(API, [API, MCP], {})).toBe(API);
    expect(exchangeTarget(API, [API, MCP], { resource: MCP })).toBe(MCP);
    expect(exchangeTarget(MCP, [API, MCP], { audience: API })).toBe(API);
    expect(
      refusal(() => exchangeTarget(API, [API, MCP], { resource: 'https://other.example/' })),
    ).toBeInstanceOf(InvalidTarget);
  });

  it('refuses another target with invalid_target, and two different names with invalid_request', () => {
    expect(
      refusal(() => exchangeTarget(API, undefined, { resource: 'https://other.example/' })),
    ).toBeInstanceOf(InvalidTarget);
    expect(refusal(() => exchangeTarget(API, undefined, { audience: 'other' }))).toBeInstanceOf(
      InvalidTarget,
    );
    expect(
      refusal(() =>
        exchangeTarget(API, undefined, { resource: API, audience: 'https://other.example/' }),
      ),
    ).toBeInstanceOf(InvalidRequest);
  });
});

describe('actingClient (RFC 8693 §4.1)', () => {
  it('names the client, with the earlier actors nested', () => {
    expect(actingClient('agent', undefined)).toEqual({ sub: 'agent' });
    expect(actingClient('agent', { sub: 'first' })).toEqual({
      sub: 'agent',
      act: { sub: 'first' },
    });
  });

  it('refuses a chain longer than a token can carry', () => {
    let prior: Actor = { sub: 'first' };
    for (let i = 0; i < 7; i += 1) prior = { sub: `agent-${i}`, act: prior };
    expect(refusal(() => actingClient('agent', prior))).toBeInstanceOf(InvalidRequest);
  });
});
