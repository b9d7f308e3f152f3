import { CROSS_ORIGIN_ENDPOINTS, type CrossOriginCallers } from '../clients/cross-origin.policy';
import type { ClientUse, ClientUseLine, ProofSettings } from '../proofs/proof-descriptor';
import type { ClientUseDto } from './challenge-models.dto';
import { wordList } from '../platform/text/word-list';

const ORIGINS_OF: Readonly<Record<CrossOriginCallers, string>> = {
  anyone: 'any origin',
  'registered clients': 'the origins of registered redirect URIs',
  'first-party public clients': 'the redirect origins of first-party public clients only',
};

/**
 * "CORS on POST /token, … for <origins>": the cross-origin endpoints under these paths, told
 * from the CORS policy itself so that the page cannot list other endpoints than it allows.
 */
function corsOn(paths: readonly string[]): string {
  const endpoints = CROSS_ORIGIN_ENDPOINTS.filter((endpoint) =>
    paths.some((path) => endpoint.path.startsWith(path)),
  );
  const named = endpoints.map((endpoint) => `${endpoint.methods.join('|')} ${endpoint.path}`);
  const list = wordList(named, 'and');
  const callers = [...new Set(endpoints.map((endpoint) => ORIGINS_OF[endpoint.callers]))];
  return `CORS on ${list} for ${callers.join(', ')}`;
}

/**
 * Which clients log users in through a model, and what they use: the protocol's reach, as its
 * descriptor tells it, with the live settings (registration, metadata documents, chains) read
 * from configuration.
 */
export function clientUsesOf(uses: readonly ClientUse[], settings: ProofSettings): ClientUseDto[] {
  return uses.map((use) => ({
    clients: use.clients,
    through: use.through.map((line) => told(line, settings)),
    standards: [...use.standards],
  }));
}

function told(line: ClientUseLine, settings: ProofSettings): string {
  if (typeof line === 'string') return line;
  if (typeof line === 'function') return line(settings);
  return corsOn(line.corsOn);
}
