/**
 * JSON that names a member twice, refused (RFC 7493 §2.3): the resource-server package's scanner,
 * so that the APIs it guards refuse the DPoP proofs the service refuses, by one rule.
 */
export {
  DuplicateMemberName,
  duplicateMemberName,
  parseJson,
  quotedMemberName,
} from '@proofgate/resource-server/json-names';
