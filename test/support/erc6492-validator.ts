import {
  type Address,
  type Hex,
  decodeAbiParameters,
  erc6492SignatureValidatorAbi,
  erc6492SignatureValidatorByteCode,
} from 'viem';

/** What the verifier asks ERC-6492's universal validator: is `signature` `signer`'s over `hash`? */
export interface ValidatorCall {
  signer: Address;
  hash: Hex;
  signature: Hex;
}

/**
 * The question inside a JSON-RPC request for a node, which viem and the verifier send as a
 * deployless `eth_call`: the validator's bytecode followed by the ABI-encoded (signer, hash,
 * signature). Any other request is an error: a stub node answers only this one.
 */
export function validatorCallOf({
  method,
  params,
}: {
  method: string;
  params?: unknown;
}): ValidatorCall {
  if (method !== 'eth_call') throw new Error(`unexpected RPC method ${method}`);
  const [tx] = params as [{ to?: Hex; data: Hex }];
  if (tx.to !== undefined || !tx.data.startsWith(erc6492SignatureValidatorByteCode)) {
    throw new Error('not a deployless ERC-6492 validator call');
  }
  const [signer, hash, signature] = decodeAbiParameters(
    erc6492SignatureValidatorAbi[0].inputs,
    `0x${tx.data.slice(erc6492SignatureValidatorByteCode.length)}`,
  );
  return { signer, hash, signature };
}
