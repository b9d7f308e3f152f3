import { ProtocolError } from '../../platform/errors/protocol-error';

/**
 * Wallet sign-in failures (EIP-4361 SIWE and CAIP-122 SIWS alike), one class per `error` code. Descriptions reach the
 * client: they never quote the signature or the message text.
 * Size and shape problems of the request itself reuse `InvalidRequest` (400).
 */
export { InvalidRequest } from '../../platform/errors/protocol-error';

/** The text or the fields do not form an EIP-4361 message (grammar, checksum, impossible dates). */
export class InvalidMessage extends ProtocolError {
  readonly error = 'invalid_message';
  readonly status = 400;
}

export class ChainNotAllowed extends ProtocolError {
  readonly error = 'chain_not_allowed';
  readonly status = 400;
  /** An EIP-155 chain id, or a CAIP-2 / Wallet Standard chain id (`solana:devnet`). */
  constructor(chainId: number | string) {
    super(`Chain ${chainId} is not accepted by this service`);
  }
}

// EIP-4361 §Security considerations: the domain binds the signature to the site that asked for it.
export class DomainMismatch extends ProtocolError {
  readonly error = 'domain_mismatch';
  readonly status = 401;
}

export class UriMismatch extends ProtocolError {
  readonly error = 'uri_mismatch';
  readonly status = 401;
}

export class ExpiredMessage extends ProtocolError {
  readonly error = 'expired_message';
  readonly status = 401;
}

export class NotYetValid extends ProtocolError {
  readonly error = 'not_yet_valid';
  readonly status = 401;
}

export class InvalidNonce extends ProtocolError {
  readonly error = 'invalid_nonce';
  readonly status = 401;
}

export class NonceAlreadyUsed extends ProtocolError {
  readonly error = 'nonce_already_used';
  readonly status = 401;
}

export class InvalidSignature extends ProtocolError {
  readonly error = 'invalid_signature';
  readonly status = 401;
}

/**
 * The signature is not from the address's own key and the chain has no RPC endpoint, so an
 * ERC-1271 / ERC-6492 contract wallet signature cannot be checked.
 */
export class ContractWalletUnsupported extends ProtocolError {
  readonly error = 'contract_wallet_unsupported';
  readonly status = 401;
  constructor(chainId: number) {
    super(
      `The signature is not from the address's own key; contract wallets need an RPC endpoint configured for chain ${chainId}, and there is none`,
    );
  }
}
