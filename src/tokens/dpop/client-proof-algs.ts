import type { ClientRegistry } from '../../clients/client-registry.service';
import { isOperatorClientId } from '../../protocol-rules/client-id';
import { FAPI2_SIGNING_ALGS, profileSigningAlgs } from '../../protocol-rules/client-profile';

/**
 * FAPI 2.0 §5.4.1-1: the algorithms the DPoP proofs of a client's tokens may be signed with; for
 * a client of the fapi2 profile those of /token (PS256, ES256, EdDSA), never RS256 with the same
 * RSA key; undefined: any of DPOP_SIGNING_ALGS. The client is looked up only for a proof signed
 * with an algorithm the profile refuses, and only when an operator registered it (no other
 * client has a profile): the common proof costs nothing here.
 */
export async function clientProofAlgs(
  clients: ClientRegistry,
  clientId: string,
  proofAlg: string,
): Promise<readonly string[] | undefined> {
  if (FAPI2_SIGNING_ALGS.includes(proofAlg) || !isOperatorClientId(clientId)) return undefined;
  const client = await clients.find(clientId);
  return client ? profileSigningAlgs(client) : undefined;
}
