/** RFC 9728 §3: the well-known prefix of a protected resource's metadata document. */
export const RESOURCE_METADATA_PREFIX = '.well-known/oauth-protected-resource';

/**
 * RFC 9728 §3.1: the metadata URL of the issuer's API at `path` (`/api`, `/admin/v1`, `/ssf`):
 * the well-known prefix, then the resource's path.
 */
export function resourceMetadataUrl(issuer: string, path: string): string {
  return `${issuer}/${RESOURCE_METADATA_PREFIX}${path}`;
}
