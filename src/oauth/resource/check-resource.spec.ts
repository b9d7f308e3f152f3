import { InvalidRequest, InvalidTarget } from '../../platform/errors/protocol-error';
import {
  MAX_RESOURCES_PER_REQUEST,
  checkAuthorizedResource,
  checkAuthorizedResources,
  type ResourcePolicy,
} from './check-resource';

const API = 'https://auth.example.com/api';
const policy = (
  registered: Partial<ResourcePolicy['registeredClients']> = {},
  rest: Partial<Omit<ResourcePolicy, 'registeredClients'>> = {},
): ResourcePolicy => ({
  defaultResource: API,
  registeredClients: { policy: 'https', loopbackHttp: true, ...registered },
  loopbackAnyPort: false,
  demoClientIds: [],
  ...rest,
});
/** A client as the checks read it: `fields` over a public client with no redirect URI. */
const client = (fields: Record<string, unknown> = {}) => ({
  clientId: 'app',
  type: 'public' as const,
  redirectUris: [],
  ...fields,
});
const configured = client({ resources: ['https://calendar.example.com/'] });
const registered = client({ dynamicallyRegisteredAt: new Date(0) });
const document = client({ metadataDocument: true as const });

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
    expect(checkAuthorizedResource(client({ type: 'confidential' }), undefined, policy())).toBe(
      API,
    );
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
    const confidential = client({ type: 'confidential', dynamicallyRegisteredAt: new Date(0) });
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
        checkAuthorizedResource(
          client({ type: 'confidential' }),
          'https://mcp.example/mcp',
          policy(),
        ),
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

describe('checkAuthorizedResource: a configured loopback resource on any port (outside production)', () => {
  const MCP = 'http://localhost:25004/mcp';
  const agent = client({ clientId: 'demo-agent', type: 'confidential', resources: [MCP] });
  const development = policy({}, { loopbackAnyPort: true });
  const production = policy({ loopbackHttp: false }, { loopbackAnyPort: false });
  const NOT_ALLOWED = 'resource is not allowed for this client';

  it.each([
    ['another port', 'http://localhost:26218/mcp'],
    ['no port', 'http://localhost/mcp'],
  ])('allows the registered resource on %s outside production', (_, resource) => {
    expect(checkAuthorizedResource(agent, resource, development)).toBe(resource);
  });

  it('is exact in production: another port is refused, the registered one allowed', () => {
    expect(checkAuthorizedResource(agent, MCP, production)).toBe(MCP);
    expect(
      refusal(() => checkAuthorizedResource(agent, 'http://localhost:26218/mcp', production)),
    ).toBe(NOT_ALLOWED);
  });

  it.each([
    ['another loopback host', 'http://127.0.0.1:26218/mcp'],
    ['another path', 'http://localhost:26218/other'],
    ['a query added', 'http://localhost:26218/mcp?x=1'],
    ['https', 'https://localhost:26218/mcp'],
    ['a public host on another port', 'http://mcp.example:26218/mcp'],
    ['a host that starts like localhost', 'http://localhost.example:26218/mcp'],
    ['userinfo naming localhost', 'http://localhost:26218@mcp.example/mcp'],
    ['a port out of range', 'http://localhost:99999/mcp'],
  ])('never lets %s match, even outside production', (_, resource) => {
    expect(refusal(() => checkAuthorizedResource(agent, resource, development))).toMatch(
      /^resource (is not allowed for this client|must )/,
    );
  });

  it('never frees the port of an https or non-loopback resource', () => {
    const api = client({
      type: 'confidential',
      resources: ['https://localhost:8443/mcp', 'http://10.0.0.1:3000/mcp'],
    });
    expect(
      refusal(() => checkAuthorizedResource(api, 'https://localhost:9443/mcp', development)),
    ).toBe(NOT_ALLOWED);
    expect(
      refusal(() => checkAuthorizedResource(api, 'http://10.0.0.1:3001/mcp', development)),
    ).toBe(NOT_ALLOWED);
  });

  it("names the fix in a seeded demo client's refusal, and in no other client's", () => {
    const seeded = (rest: Partial<ResourcePolicy>) =>
      policy({}, { demoClientIds: ['demo-agent'], ...rest });
    expect(
      refusal(() =>
        checkAuthorizedResource(
          agent,
          'https://mcp.example/mcp',
          seeded({ loopbackAnyPort: true }),
        ),
      ),
    ).toBe(
      'resource is not allowed for this client. demo-agent (demo data) takes resource ' +
        'http://localhost:<any port>/mcp besides the default; for another, add a client of your own: ' +
        'npm run admin -- clients add <id> --resource <URI> (docs/ADMINISTRATION.md), or OAUTH_CLIENTS',
    );
    expect(
      refusal(() => checkAuthorizedResource(agent, 'https://mcp.example/mcp', seeded({}))),
    ).toBe(
      'resource is not allowed for this client. demo-agent (demo data) takes resource ' +
        'http://localhost:25004/mcp besides the default; for another, add a client of your own: ' +
        'npm run admin -- clients add <id> --resource <URI> (docs/ADMINISTRATION.md), or OAUTH_CLIENTS',
    );
    expect(
      refusal(() => checkAuthorizedResource(agent, 'https://mcp.example/mcp', development)),
    ).toBe(NOT_ALLOWED);
  });
});

describe('checkAuthorizedResources (RFC 8707 §2: resource repeated)', () => {
  const CALENDAR = 'https://calendar.example.com/';
  const FILES = 'https://files.example.com/';
  const both = client({ resources: [CALENDAR, FILES] });

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
