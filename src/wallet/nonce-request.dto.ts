import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, ValidateBy, ValidationArguments } from 'class-validator';
import { PUBLIC_CLIENT_ID_MAX_LENGTH } from '../clients/public-client-id.field';
import { CAIP2_CHAIN_ID, type WalletChainSyntax } from './core/wallet-chain';
import { WALLET_CHAINS, chainSyntaxOf, perChain } from './wallet-chains';
import { WALLET_EXAMPLE } from './wallet.examples';

/**
 * The address rule of the chain the request names (each chain's syntax has its own). A chainId
 * in no chain's namespace (`Solana:mainnet`, `mainnet`: refused for itself, by its own rule or the
 * nonce service) has the rule of the chain the address is one of (else the chain whose alphabet
 * it has), so that the refusal names the chainId, not an address that is right for its chain; the
 * default chain's rule otherwise.
 */
function addressRuleOf(args?: ValidationArguments): WalletChainSyntax {
  const { chainId, address } = (args?.object ?? {}) as { chainId?: unknown; address?: unknown };
  const named =
    typeof chainId === 'number' || typeof chainId === 'string' ? chainSyntaxOf(chainId) : undefined;
  if (named !== undefined) return named;
  if (typeof address !== 'string') return WALLET_CHAINS[0].syntax;
  const formed =
    WALLET_CHAINS.find((entry) => entry.syntax.isAddress(address)) ??
    WALLET_CHAINS.find((entry) => entry.syntax.hasAddressForm(address)) ??
    WALLET_CHAINS[0];
  return formed.syntax;
}

/** The address in the form its chain writes it. */
function IsWalletAddress(): PropertyDecorator {
  return ValidateBy({
    name: 'isWalletAddress',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        addressRuleOf(args).isAddress(value),
      defaultMessage: (args?: ValidationArguments) => addressRuleOf(args).addressRule,
    },
  });
}

/**
 * An EIP-155 chain id as a number (as SIWE has always taken it; positive, as every chain's is), or
 * a CAIP-2 chain id.
 */
function IsWalletChainId(): PropertyDecorator {
  return ValidateBy({
    name: 'isWalletChainId',
    validator: {
      validate: (value: unknown) =>
        (Number.isSafeInteger(value) && (value as number) > 0) ||
        (typeof value === 'string' && CAIP2_CHAIN_ID.test(value)),
      // An error text clients may match: kept as it was before Bitcoin came.
      defaultMessage: () =>
        'chainId must be an EIP-155 chain id (1) or a CAIP-2 chain id ("eip155:1", "solana:mainnet")',
    },
  });
}

/** POST /wallet/nonce body. */
export class NonceRequestDto {
  @ApiProperty({
    description: perChain((chain) => chain.address),
    example: WALLET_EXAMPLE.address,
  })
  @IsString()
  @IsWalletAddress()
  address!: string;

  @ApiProperty({
    description: perChain((chain) => chain.chainId),
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    example: WALLET_EXAMPLE.chainId,
  })
  @IsWalletChainId()
  chainId!: number | string;

  @ApiPropertyOptional({
    description:
      'The dApp (a registered public client) the signature is for: the message names the client’s own origin (from its redirect URIs) as its EIP-4361 domain and uri, and only POST /wallet/verify with the same client_id redeems it. Without it: this browser’s login page when the request carries its cookies, else the built-in `wallet` client',
    example: 'wallet',
  })
  @IsOptional()
  @IsString()
  @MaxLength(PUBLIC_CLIENT_ID_MAX_LENGTH)
  client_id?: string;

  @ApiPropertyOptional({
    description:
      'Which of the client’s web origins the message names (e.g. `https://dapp.example.com`), when it has several (default: the request’s Origin header when it is one of them). The built-in `wallet` client’s is this service’s own',
    example: 'http://localhost:25000',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  origin?: string;
}
