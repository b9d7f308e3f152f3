import { InvalidTarget } from '../../platform/errors/protocol-error';

/**
 * RFC 8707 §2.2 at /token: a token request may name a resource only among those its grant
 * authorized (the code's, or the refresh-token family's), and keeps that one when it names none.
 * One resource is authorized per grant, so narrowing it leaves the same one.
 */
export function checkRequestedResource(authorized: string, requested: string | undefined): string {
  if (requested === undefined || requested === authorized) return authorized;
  throw new InvalidTarget('resource was not authorized by this grant');
}
