import { InvalidTarget } from '../../platform/errors/protocol-error';
import { checkRequestedResource, grantedResources } from './grant-resource';

const API = 'https://auth.example.com/api';
const CALENDAR = 'https://calendar.example.com/';
const FILES = 'https://files.example.com/mcp';

describe('grantedResources', () => {
  it('reads a grant of several resources, of one, and one from before resources were kept', () => {
    expect(grantedResources({ resource: CALENDAR, resources: [CALENDAR, FILES] }, API)).toEqual([
      CALENDAR,
      FILES,
    ]);
    expect(grantedResources({ resource: CALENDAR }, API)).toEqual([CALENDAR]);
    expect(grantedResources({}, API)).toEqual([API]);
  });
});

describe('checkRequestedResource (RFC 8707 §2.2)', () => {
  it('gives the first granted resource when none is named, or the one named among them', () => {
    expect(checkRequestedResource([CALENDAR, FILES], undefined)).toBe(CALENDAR);
    expect(checkRequestedResource([CALENDAR, FILES], FILES)).toBe(FILES);
    expect(checkRequestedResource([API], API)).toBe(API);
  });

  it('refuses one the grant did not authorize with invalid_target', () => {
    expect(() => checkRequestedResource([CALENDAR, FILES], API)).toThrow(InvalidTarget);
    expect(() => checkRequestedResource([CALENDAR], FILES)).toThrow(
      'resource was not authorized by this grant',
    );
  });
});
