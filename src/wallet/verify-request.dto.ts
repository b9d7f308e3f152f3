import { PublicClientIdField } from '../clients/public-client-id.field';
import { WalletProofDto } from './wallet-proof.dto';

/** POST /wallet/verify body: the signed message, and the client the tokens are for. */
export class VerifyRequestDto extends WalletProofDto {
  @PublicClientIdField()
  client_id?: string;
}
