import { InvalidRequest } from '../platform/errors/protocol-error';
import { issSubOf, parseSubject, subjectKey } from './subject-id';

describe('parseSubject (SSF 1.0 §8.1.3.2, RFC 9493)', () => {
  it('takes iss_sub, email and opaque subjects with exactly their members', () => {
    expect(parseSubject({ format: 'iss_sub', iss: 'https://auth.example', sub: 'user0' })).toEqual({
      format: 'iss_sub',
      iss: 'https://auth.example',
      sub: 'user0',
    });
    expect(parseSubject({ format: 'opaque', id: 'a1b2' })).toEqual({
      format: 'opaque',
      id: 'a1b2',
    });
  });

  it('keeps an email address lower-cased, as accounts keep addresses', () => {
    expect(parseSubject({ format: 'email', email: 'Ada@Example.COM' })).toEqual({
      format: 'email',
      email: 'ada@example.com',
    });
  });

  it.each([
    [null, 'subject must be a JSON object (RFC 9493)'],
    [['email'], 'subject must be a JSON object (RFC 9493)'],
    ['user0', 'subject must be a JSON object (RFC 9493)'],
    [
      { format: 'phone_number', phone_number: '+12065550100' },
      'subject.format must be one of iss_sub, email, opaque (RFC 9493)',
    ],
    [
      { email: 'ada@example.com' },
      'subject.format must be one of iss_sub, email, opaque (RFC 9493)',
    ],
    [
      { format: 'email', email: 'ada@example.com', sub: 'x' },
      'subject of format email has no member sub',
    ],
    [{ format: 'opaque', id: 'x', iss: 'y' }, 'subject of format opaque has no member iss'],
    [
      { format: 'iss_sub', iss: 'https://auth.example' },
      'subject.sub must be a non-empty string of at most 512 characters',
    ],
    [
      { format: 'opaque', id: '' },
      'subject.id must be a non-empty string of at most 512 characters',
    ],
    [
      { format: 'opaque', id: 'x'.repeat(513) },
      'subject.id must be a non-empty string of at most 512 characters',
    ],
    [
      { format: 'opaque', id: 42 },
      'subject.id must be a non-empty string of at most 512 characters',
    ],
    [{ format: 'email', email: 'no-at-sign' }, 'subject.email is no address'],
    [{ format: 'email', email: 'two words@example.com' }, 'subject.email is no address'],
  ])('refuses %j as invalid_request: %s', (subject, description) => {
    let refusal: unknown;
    try {
      parseSubject(subject);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(InvalidRequest);
    expect((refusal as InvalidRequest).message).toBe(description);
  });
});

describe('subjectKey', () => {
  it('gives the same subject one key, whatever the case of its address', () => {
    expect(subjectKey(parseSubject({ format: 'email', email: 'Ada@example.com' }))).toBe(
      subjectKey(parseSubject({ format: 'email', email: 'ada@EXAMPLE.com' })),
    );
  });

  it('tells the formats apart: an opaque id is no email, an iss_sub no opaque id', () => {
    const keys = [
      subjectKey({ format: 'opaque', id: 'ada@example.com' }),
      subjectKey({ format: 'email', email: 'ada@example.com' }),
      subjectKey({ format: 'iss_sub', iss: 'https://a.example', sub: 'b' }),
      subjectKey({ format: 'iss_sub', iss: 'https://a.example b', sub: 'c' }),
      subjectKey({ format: 'iss_sub', iss: 'https://a.example', sub: 'b c' }),
      subjectKey({ format: 'opaque', id: 'https://a.example b' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('issSubOf (RFC 9493 §3.2.5)', () => {
  it('names an account of this issuer by iss and sub', () => {
    expect(issSubOf('https://auth.example', 'user0')).toEqual({
      format: 'iss_sub',
      iss: 'https://auth.example',
      sub: 'user0',
    });
  });
});
