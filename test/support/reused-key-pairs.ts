import type { GenerateKeyPairResult } from 'jose';
import type { SigningAlg } from '../../src/protocol-rules/signing-algs';
import { SigningKeyPairs } from '../../src/tokens/signing-keys/signing-key-pairs';

/** The pairs generated in this process so far, by alg, in order. */
const generated = new Map<SigningAlg, Array<Promise<GenerateKeyPairResult>>>();
/** How many of them each database has been handed, by alg. */
const handedOut = new Map<string, Map<SigningAlg, number>>();

/**
 * The service's key pairs for the apps the e2e specs boot in-process: each database is handed the
 * pairs this process generated before, in order, and a new pair only past them, so the keys of one
 * database are all distinct (a rotation gets a new one, two apps on one database never share a
 * kid by chance) and another database starts again from the first. Every boot on a fresh test
 * database installs a key, and an RS256 key pair costs ~0.25 s of CPU to generate: 62 of the 109
 * RSA key pairs of a whole run were these (2026-11-27). What is done with a pair (its kid, the
 * encrypted private half, the election of the active key) is the service's own code.
 */
export class ReusedKeyPairs extends SigningKeyPairs {
  constructor(private readonly database: string) {
    super();
  }

  override generate(alg: SigningAlg): Promise<GenerateKeyPairResult> {
    const counts = handedOut.get(this.database) ?? new Map<SigningAlg, number>();
    handedOut.set(this.database, counts);
    const index = counts.get(alg) ?? 0;
    counts.set(alg, index + 1);
    const pairs = generated.get(alg) ?? [];
    generated.set(alg, pairs);
    if (index === pairs.length) pairs.push(super.generate(alg));
    return pairs[index];
  }
}
