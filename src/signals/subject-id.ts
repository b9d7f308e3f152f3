import { InvalidRequest } from '../platform/errors/protocol-error';

/**
 * RFC 9493 subject identifiers Proofgate can name an account by (issue #80): `iss_sub` (this
 * issuer and the account's subject, what its ID tokens say), `email` (an address the account
 * verified), `opaque` (the account's subject as an opaque id).
 */
export type SubjectId =
  | { readonly format: 'iss_sub'; readonly iss: string; readonly sub: string }
  | { readonly format: 'email'; readonly email: string }
  | { readonly format: 'opaque'; readonly id: string };

export const SUBJECT_FORMATS = ['iss_sub', 'email', 'opaque'] as const;

const MAX_MEMBER_LENGTH = 512;

function member(subject: Record<string, unknown>, name: string): string {
  const value = subject[name];
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_MEMBER_LENGTH) {
    throw new InvalidRequest(
      `subject.${name} must be a non-empty string of at most ${MAX_MEMBER_LENGTH} characters`,
    );
  }
  return value;
}

/**
 * A receiver's `subject` (SSF 1.0 §8.1.3.2), checked: one of the formats above with exactly its
 * members (RFC 9493 §3), an email address lower-cased (as accounts keep addresses).
 */
export function parseSubject(value: unknown): SubjectId {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequest('subject must be a JSON object (RFC 9493)');
  }
  const subject = value as Record<string, unknown>;
  const format = subject.format;
  const only = (...names: string[]) => {
    const extra = Object.keys(subject).filter((key) => key !== 'format' && !names.includes(key));
    if (extra.length > 0) {
      throw new InvalidRequest(`subject of format ${String(format)} has no member ${extra[0]}`);
    }
  };
  switch (format) {
    case 'iss_sub':
      only('iss', 'sub');
      return { format, iss: member(subject, 'iss'), sub: member(subject, 'sub') };
    case 'email': {
      only('email');
      const email = member(subject, 'email').toLowerCase();
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new InvalidRequest('subject.email is no address');
      return { format, email };
    }
    case 'opaque':
      only('id');
      return { format, id: member(subject, 'id') };
    default:
      throw new InvalidRequest(
        `subject.format must be one of ${SUBJECT_FORMATS.join(', ')} (RFC 9493)`,
      );
  }
}

/** One subject as a stream stores it: the same subject is one key, whoever adds it again. */
export function subjectKey(subject: SubjectId): string {
  switch (subject.format) {
    case 'iss_sub':
      // Both members as JSON: no `iss` and `sub` run together into another pair's key.
      return `iss_sub:${JSON.stringify([subject.iss, subject.sub])}`;
    case 'email':
      return `email:${subject.email}`;
    case 'opaque':
      return `opaque:${subject.id}`;
  }
}

/** RFC 9493 §3.2.5: the `sub_id` of every SET about an account of this issuer. */
export function issSubOf(issuer: string, sub: string): SubjectId {
  return { format: 'iss_sub', iss: issuer, sub };
}
