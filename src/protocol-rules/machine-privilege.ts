/** How a client is registered, as far as a machine-only privilege asks. */
export interface MachineClientRegistration {
  readonly confidential: boolean;
  readonly grantTypes: readonly string[] | undefined;
}

/** What a refusal of a machine-only privilege says, in the words of the privilege it refuses. */
export interface MachinePrivilegeTexts {
  /** The client is public. */
  readonly publicClient: string;
  /** The client is not registered for client_credentials. */
  readonly noClientCredentials: string;
}

/**
 * What is wrong with giving a machine-only privilege (the admin scopes, the `ssf` scope) to a
 * client, or undefined: it is for a confidential client registered for client_credentials, the
 * only grant that issues a token carrying it.
 */
export function machinePrivilegeProblem(
  client: MachineClientRegistration,
  texts: MachinePrivilegeTexts,
): string | undefined {
  if (!client.confidential) return texts.publicClient;
  if (!client.grantTypes?.includes('client_credentials')) return texts.noClientCredentials;
  return undefined;
}
