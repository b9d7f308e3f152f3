import { configProblems as problems } from '../../../test/support/config-problems';
import type { ServerConfig } from './server.config';
import type { OAuthConfig } from './oauth.config';
import type { TokenConfig } from './tokens.config';
import { ResourceScopes } from '../../tokens/resource-scopes';
import { resourceServers } from './resource-servers.config';

const NAME = 'RESOURCE_SERVERS';
const read = (value: unknown) => resourceServers({ [NAME]: JSON.stringify(value) }, NAME);
const NOTES = 'https://notes.example.com/';

describe('RESOURCE_SERVERS', () => {
  it('is empty when unset', () => {
    expect(resourceServers({}, NAME)).toEqual([]);
  });

  it('reads each API with its name and the words of each scope', () => {
    expect(
      read([
        { resource: NOTES, name: 'Notes', scopes: { 'notes:read': 'Read your notes' } },
        { resource: 'urn:example:calendar', scopes: { 'calendar.read': 'See your calendar' } },
      ]),
    ).toEqual([
      { resource: NOTES, name: 'Notes', scopes: { 'notes:read': 'Read your notes' } },
      { resource: 'urn:example:calendar', scopes: { 'calendar.read': 'See your calendar' } },
    ]);
  });

  it('reports every problem of every entry, each on its own line', () => {
    expect(
      problems(() =>
        read([
          { resource: 'https://notes.example.com/#top', scopes: { a: 'A' } },
          { resource: NOTES, scope: { a: 'A' } },
          { resource: NOTES, scopes: {} },
          { resource: NOTES, scopes: { 'has space': 'A' } },
          { resource: NOTES, scopes: { a: '' } },
          { resource: NOTES, scopes: { a: 'two\nlines' } },
          { resource: NOTES, name: 7, scopes: { a: 'A' } },
          { resource: NOTES, scopes: { a: 'A' } },
          { resource: NOTES, scopes: { b: 'B' } },
          { resource: 'https://other.example.com/', scopes: { a: 'A' } },
          'https://notes.example.com/',
        ]),
      ),
    ).toEqual([
      'RESOURCE_SERVERS[0].resource must not contain a fragment, got "https://notes.example.com/#…"',
      'RESOURCE_SERVERS[1] has unknown field(s) scope (known: resource, name, scopes)',
      'RESOURCE_SERVERS[2].scopes must name 1 to 50 scopes',
      'RESOURCE_SERVERS[3].scopes: "has space" is not a scope value (RFC 6749 §3.3, at most 100 characters)',
      'RESOURCE_SERVERS[4].scopes.a must say what it allows: text on one line of at most 200 characters',
      'RESOURCE_SERVERS[5].scopes.a must say what it allows: text on one line of at most 200 characters',
      'RESOURCE_SERVERS[6].name must be text on one line of at most 200 characters',
      'RESOURCE_SERVERS[8].resource is declared twice',
      'RESOURCE_SERVERS[9].scopes: a already belong to another resource (a scope names one resource)',
      'RESOURCE_SERVERS[10] must be an object { "resource", "name"?, "scopes" }',
    ]);
    expect(problems(() => resourceServers({ [NAME]: '{"resource":1}' }, NAME))).toEqual([
      'RESOURCE_SERVERS must be a JSON array of { "resource", "name"?, "scopes": { "<scope>": "<what it allows>" } }',
    ]);
  });
});

describe('ResourceScopes', () => {
  const ISSUER = 'https://id.example';
  const scopesOf = (declared: unknown, clients: object[] = []) =>
    new ResourceScopes(
      { resourceServers: read(declared) },
      { audience: `${ISSUER}/api` } as TokenConfig,
      { issuer: ISSUER } as ServerConfig,
      { clients } as unknown as OAuthConfig,
    );

  it("refuses at start an operator's client whose scope names what no one grants", () => {
    const notes = [{ resource: NOTES, scopes: { 'notes:read': 'Read your notes' } }];
    expect(() =>
      scopesOf(notes, [{ clientId: 'reader', scope: 'openid notes:read offline_access' }]),
    ).not.toThrow();
    expect(
      problems(() => scopesOf(notes, [{ clientId: 'writer', scope: 'notes:write api' }])),
    ).toEqual([
      'OAUTH_CLIENTS: the scope of client "writer" names notes:write, neither this server\'s scope nor one RESOURCE_SERVERS declares',
    ]);
  });

  it("refuses at start an API that is one of the server's own, or a scope of the server's", () => {
    expect(
      problems(() =>
        scopesOf([
          { resource: `${ISSUER}/api`, scopes: { 'x:read': 'X' } },
          { resource: `${ISSUER}/admin/v1`, scopes: { 'y:read': 'Y' } },
          { resource: NOTES, scopes: { profile: 'P', 'admin:read': 'A', ssf: 'S', ok: 'O' } },
        ]),
      ),
    ).toEqual([
      "RESOURCE_SERVERS[0].resource is one of this server's own APIs, whose scopes are its own",
      "RESOURCE_SERVERS[1].resource is one of this server's own APIs, whose scopes are its own",
      "RESOURCE_SERVERS[2].scopes: profile, admin:read, ssf are this server's own scopes",
    ]);
  });

  it("gives a token for one API that API's scopes and the server's own, never another API's", () => {
    const scopes = scopesOf([
      { resource: NOTES, name: 'Notes', scopes: { 'notes:read': 'Read your notes' } },
      { resource: 'https://calendar.example/', scopes: { 'calendar:read': 'See your calendar' } },
    ]);
    const granted = 'openid notes:read calendar:read api';
    expect(scopes.forAudience(granted, NOTES)).toBe('openid notes:read api');
    expect(scopes.forAudience(granted, 'https://calendar.example/')).toBe(
      'openid calendar:read api',
    );
    expect(scopes.forAudience(granted, `${ISSUER}/api`)).toBe('openid api');
    // A scope no API declares any more (the operator took it out) goes into no token.
    expect(scopes.forAudience('openid files:read', `${ISSUER}/api`)).toBe('openid');
    expect(scopes.forAudience('admin:read admin:write', `${ISSUER}/admin/v1`)).toBe(
      'admin:read admin:write',
    );
    expect(scopes.forAudience('ssf', `${ISSUER}/ssf`)).toBe('ssf');
    expect(scopes.wordsOf('notes:read')).toBe('Read your notes');
    expect(scopes.wordsOf('profile')).toBeUndefined();
    expect(scopes.nameOf(NOTES)).toBe('Notes');
    // A scope named as an object's member is looked up as declared, or not at all.
    expect(scopes.serverOf('constructor')).toBeUndefined();
  });
});
