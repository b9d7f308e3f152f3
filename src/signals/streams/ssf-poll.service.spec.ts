import { InvalidRequest } from '../../platform/errors/protocol-error';
import { setErrorsOf } from './ssf-poll.service';

describe('setErrorsOf (RFC 8936 §2.4 setErrs)', () => {
  it('reads each refused SET by jti, its description optional', () => {
    expect(
      setErrorsOf({
        'jti-1': { err: 'jwtAud', description: 'not ours' },
        'jti-2': { err: 'invalid_key' },
      }),
    ).toEqual([
      { jti: 'jti-1', err: 'jwtAud', description: 'not ours' },
      { jti: 'jti-2', err: 'invalid_key', description: '' },
    ]);
    expect(setErrorsOf(undefined)).toEqual([]);
  });

  it.each([
    [{ 'jti-1': 'jwtAud' }],
    [{ 'jti-1': null }],
    [{ 'jti-1': { description: 'no err' } }],
    [{ 'jti-1': { err: 1 } }],
    [{ 'jti-1': { err: 'jwtAud', description: 7 } }],
  ])('refuses %j as invalid_request', (setErrs) => {
    expect(() => setErrorsOf(setErrs)).toThrow(
      new InvalidRequest('setErrs.jti-1 must be { "err": string, "description": string }'),
    );
  });

  it('refuses more than 1000 at once', () => {
    const many = Object.fromEntries(
      Array.from({ length: 1001 }, (_, i) => [`jti-${i}`, { err: 'jwtAud' }]),
    );
    expect(() => setErrorsOf(many)).toThrow('setErrs names at most 1000 SETs');
  });
});
