import { Injectable } from '@nestjs/common';
import { generateKeyPair, type GenerateKeyPairResult } from 'jose';
import type { SigningAlg } from '../../protocol-rules/signing-algs';

/**
 * Where SigningKeyService's new key pairs come from: generated, extractable only so that the
 * private half can be exported once, encrypted, and stored.
 */
@Injectable()
export class SigningKeyPairs {
  generate(alg: SigningAlg): Promise<GenerateKeyPairResult> {
    return generateKeyPair(alg, { extractable: true });
  }
}
