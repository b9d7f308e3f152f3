/**
 * Project Wycheproof's Ed25519 vectors through the layer that decides a Sign In With Solana
 * signature: `verifySolanaSignature(publicKey, message, signature)`. SiwsChain decodes the
 * message's address to its 32 key bytes and hands this function those, the message's UTF-8 bytes
 * and the signature text as the wallet sent it; nothing else looks at the signature. A vector's
 * msg is arbitrary bytes (SIWS only ever signs a CAIP-122 text, but Ed25519 signs bytes), and
 * its signature goes in as base58, as Solana wallets return it: a signature of another length
 * than 64 bytes is refused by `readEd25519Signature`, typed (400 invalid_request: Ed25519 has one
 * length, so another is a malformed parameter, as a text of no base58 at all is).
 *
 * RFC 8032 §5.1.7 is strict here (node's OpenSSL): an encoded S of S + L and beyond (the
 * SignatureMalleability vectors), an R with a modified bit or no point at all, special values of
 * R and S, and a truncated or padded signature are all refused; every valid vector verifies. No
 * `acceptable` vector in this file.
 */
import bs58 from 'bs58';
import {
  type WycheproofAnswer,
  type WycheproofGroup,
  type WycheproofTest,
  hexBytes,
} from '../../../test/support/wycheproof-vectors';
import { checkWycheproof } from '../../../test/support/wycheproof-suite';
import { verifySolanaSignature } from './ed25519-signature';

function siws(test: WycheproofTest, group: WycheproofGroup): WycheproofAnswer {
  const publicKey = hexBytes((group.publicKey as { pk: string }).pk);
  return verifySolanaSignature(publicKey, hexBytes(test.msg), bs58.encode(hexBytes(test.sig)));
}

describe('SIWS Ed25519 against Project Wycheproof', () => {
  const outcomes = checkWycheproof([
    { name: 'SIWS', file: 'ed25519_test.json', documented: 'SIWS', verdict: siws },
  ]);

  it('verifies every valid vector: no rule of its own refuses one', () => {
    expect(outcomes.get('SIWS')!.refusedBy).toEqual({});
  });
});
