import { InvalidRequest, InvalidTarget } from '../../platform/errors/protocol-error';
import {
  MAX_RESOURCES_PER_REQUEST,
  checkAuthorizedResource,
  checkAuthorizedResources,
  type ResourcePolicy,
} from './check-resource';

const API = 'https://auth.example.com/api';
const policy = (registered: Partial<ResourcePolicy['registeredClients']> = {}): ResourcePolicy => ({
  defaultResource: API,
  registeredClients: { policy: 'https', loopbackHttp: true, ...registered },
});
const configured = { type: 'public' as const, resources: ['https://calendar.example.com/'] };
const registered = { type: 'public' as const, dynamicallyRegisteredAt: new Date(0) };
const document = { type: 'public' as const, metadataDocument: true as const };

function refusal(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidTarget) return error.description;
    throw error;
  }
  return undefined;
}

describe('checkAuthorizedResource (RFC 8707 §2)', () => {
  it('gives the default resource when none is named, to any client', () => {
    expect(checkAuthorizedResource({ type: 'confidential' }, undefined, policy())).toBe(API);
    expect(checkAuthorizedResource(registered, API, policy({ policy: 'none' }))).toBe(API);
  });

  it("keeps configured clients to their `resources`, whatever the registered clients' policy", () => {
    expect(checkAuthorizedResource(configured, 'https://calendar.example.com/', policy())).toBe(
      'https://calendar.example.com/',
    );
    expect(
      refusal(() => checkAuthorizedResource(configured, 'https://mcp.example/', policy())),
    ).toBe('resource is not allowed for this client');
  });

  it.each([
    ['a registered client', registered],
    ['a metadata-document client', document],
  ])('lets %s name any https resource under `https`, none under `none`', (_, client) => {
    expect(checkAuthorizedResource(client, 'https://mcp.example/mcp', policy())).toBe(
      'https://mcp.example/mcp',
    );
    expect(
      refusal(() =>
        checkAuthorizedResource(client, 'https://mcp.example/mcp', policy({ policy: 'none' })),
      ),
    ).toBe('resource is not allowed for this client');
  });

  it('extends the policy to a registered confidential client (a machine client), not a configured one', () => {
    const confidential = { type: 'confidential' as const, dynamicallyRegisteredAt: new Date(0) };
    expect(checkAuthorizedResource(confidential, 'https://mcp.example/mcp', policy())).toBe(
      'https://mcp.example/mcp',
    );
    expect(
      refusal(() =>
        checkAuthorizedResource(
          confidential,
          'http://mcp.example/mcp',
          policy({ policy: 'https' }),
        ),
      ),
    ).toBe('resource must be an https: URI for a registered client');
    expect(
      refusal(() =>
        checkAuthorizedResource({ type: 'confidential' }, 'https://mcp.example/mcp', policy()),
      ),
    ).toBe('resource is not allowed for this client');
  });

  it.each(['http://127.0.0.1:3001/mcp', 'http://[::1]:3001/mcp', 'http://localhost:3001/mcp'])(
    'allows loopback %s only while loopbackHttp is on (outside production)',
    (resource) => {
      expect(checkAuthorizedResource(registered, resource, policy())).toBe(resource);
      expect(
        refusal(() =>
          checkAuthorizedResource(registered, resource, policy({ loopbackHttp: false })),
        ),
      ).toBe('resource must be an https: URI for a registered client');
    },
  );

  it.each([
    [
      'http elsewhere',
      'http://10.0.0.1/mcp',
      'resource must be an https: URI for a registered client',
    ],
    ['a relative URI', '/mcp', 'resource must be absolute URI'],
    ['a fragment', 'https://mcp.example/#a', 'resource must not contain a fragment'],
    [
      'a URI not in normalised form',
      'https://MCP.example/mcp',
      'resource must be written in normalised form, as URL parsing gives it back',
    ],
  ])('refuses %s', (_, resource, description) => {
    expect(refusal(() => checkAuthorizedResource(registered, resource, policy()))).toBe(
      description,
    );
  });
});

describe('checkAuthorizedResources (RFC 8707 §2: resource repeated)', () => {
  const CALENDAR = 'https://calendar.example.com/';
  const FILES = 'https://files.example.com/';
  const both = { type: 'public' as const, resources: [CALENDAR, FILES] };

  it('keeps every resource in the order named, each once; none named is the default alone', () => {
    expect(checkAuthorizedResources(both, [FILES, CALENDAR, FILES], policy())).toEqual([
      FILES,
      CALENDAR,
    ]);
    expect(checkAuthorizedResources(both, [API, CALENDAR], policy())).toEqual([API, CALENDAR]);
    expect(checkAuthorizedResources(both, undefined, policy())).toEqual([API]);
  });

  it('refuses the whole request when one is not allowed, or when too many are named', () => {
    expect(
      refusal(() => checkAuthorizedResources(both, [CALENDAR, 'https://mcp.example/'], policy())),
    ).toBe('resource is not allowed for this client');
    const many = Array.from(
      { length: MAX_RESOURCES_PER_REQUEST + 1 },
      (_, i) => `https://r${i}.example/`,
    );
    expect(() => checkAuthorizedResources(registered, many, policy())).toThrow(InvalidRequest);
    expect(
      checkAuthorizedResources(registered, many.slice(0, MAX_RESOURCES_PER_REQUEST), policy()),
    ).toHaveLength(MAX_RESOURCES_PER_REQUEST);
  });
});
