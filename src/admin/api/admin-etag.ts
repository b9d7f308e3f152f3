import { createHash } from 'node:crypto';
import { PreconditionFailed, PreconditionRequired } from '../../platform/errors/protocol-error';

/**
 * A resource's entity tag (RFC 9110 §8.8.3): a strong tag of its representation as this API
 * answers it, so any change of what a caller can read changes the tag; with the stored record's
 * `revision` too, so a change the representation does not show (a new password) changes it.
 */
export function etagOf(representation: unknown, revision?: number): string {
  const tagged = revision === undefined ? representation : [representation, revision];
  const digest = createHash('sha256').update(JSON.stringify(tagged)).digest('base64url');
  return `"${digest.slice(0, 27)}"`;
}

/**
 * RFC 9110 §13.1.1 and RFC 6585 §3: every change of a resource names the version it read.
 * Missing: `428 precondition_required`; a tag that is not the current one (and not `*`):
 * `412 precondition_failed`, nothing changed. Weak tags never match (strong comparison).
 */
export function checkIfMatch(
  ifMatch: string | undefined,
  current: unknown,
  revision?: number,
): void {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    throw new PreconditionRequired(
      'A change needs If-Match with the ETag of the resource as you read it (GET it first)',
    );
  }
  const tags = ifMatch.split(',').map((tag) => tag.trim());
  if (tags.includes('*')) return;
  if (!tags.includes(etagOf(current, revision))) {
    throw new PreconditionFailed(
      'The resource changed since you read it (If-Match names another version): GET it again',
    );
  }
}
