import type { PageText } from '../platform/i18n/page-locale';
import type { AppConfig } from '../config/app-config';
import { ANY_SIGN_IN, type SignInAcr } from '../protocol-rules/acr';
import type {
  AuthMethod,
  ChallengeKind,
  LoginModel,
  PossessionModel,
  ProofId,
  WalletMethod,
} from './proof-vocabulary';

/**
 * What a proof says of itself, once, in its own folder (`<proof>.proof.ts`): pure data and small
 * functions of the settings, importing nothing but this vocabulary, so that compare/, telemetry/
 * and the pages can read every proof from the one list (src/proof-registry.ts) without a proof's
 * code. The compiler asks each proof for what its ids make it: a login method an `amr`, a
 * challenge model its challenge kinds and its column of the comparison.
 */
export type ProofDescriptor<Id extends ProofId = ProofId> = ProofBasics<Id> &
  (Id extends AuthMethod ? SignsIn : unknown) &
  (Id extends WalletMethod ? { readonly wallet: BrowserWallet } : unknown) &
  (Id extends LoginModel
    ? { readonly comparison: LoginComparison; readonly challengeKinds: AtLeastOneKind }
    : Id extends PossessionModel
      ? { readonly comparison: PossessionComparison; readonly challengeKinds: AtLeastOneKind }
      : unknown);

/** A challenge model keeps at least one kind of challenge: the first stands for its figures. */
type AtLeastOneKind = readonly [ChallengeKind, ...ChallengeKind[]];

interface ProofBasics<Id extends ProofId> {
  readonly id: Id;
  /** Its name on the pages: `Sign-In with Ethereum`. */
  readonly label: string;
  /** Its short name, where space is scarce (chart keys): `SIWE`. */
  readonly shortLabel: string;
  /**
   * The kinds it keeps in the challenge store (none for a password); the first is the one whose
   * figures stand for the proof (a passkey's sign-in, not its registration).
   */
  readonly challengeKinds: readonly ChallengeKind[];
  /** The series its events feed beyond the shared `proofgate_challenge_*` ones. */
  readonly metrics?: ProofMetrics;
}

/**
 * A login method: what its sessions, grants and tokens say (`auth_method`, RFC 8176 `amr`, OpenID
 * Connect `acr`).
 */
interface SignsIn {
  /** The method's default `amr`, from AMR (a login may say more: a passkey's `user`). */
  readonly amr: readonly string[];
  /**
   * The `acr` its sign-ins achieve (protocol-rules/acr.ts): what the sessions, the login page's
   * step-up and the approvals read, from the registry, never from a list of their own.
   */
  readonly acr: SignInAcr;
  /** Its button below the login page's password form, when it has one. */
  readonly loginButton?: LoginButton;
}

/**
 * A button of the login page (`<id>-login`, with `<id>-status` and `<id>-error` beside it), that
 * its script drives. Plain HTML with no inline script: the strict Content-Security-Policy.
 */
export interface LoginButton {
  /** Its text, from the pages' catalogues. */
  readonly text: PageText;
  /** The scripts it needs, served under /static, in load order (one two buttons share loads once). */
  readonly scripts: readonly string[];
  /**
   * How it waits for its script to find what it needs: `disabled` (a wallet's: shown, enabled
   * once a wallet answers) or `hidden` (a passkey's: shown once the browser supports WebAuthn).
   */
  readonly until: 'disabled' | 'hidden';
  /** Whether this deployment offers it (default: always), read from the settings at start. */
  readonly offered?: (settings: LoginButtonSettings) => boolean;
}

/** A sign-in that makes no claim beyond itself (`urn:proofgate:acr:1fa`): most methods'. */
export { ANY_SIGN_IN };

/** What a login button's `offered` may read. */
export type LoginButtonSettings = Pick<ProofSettings, 'oid4vp'>;

/**
 * A wallet chain in the browser: the pages that connect wallets (the login page's button, the demo
 * dApp) name the chain and load its script, which registers how its wallets are found, connected
 * and sign with window.Proofgate (`addWalletChain`, src/public/proofgate.js). A new chain's pages
 * are then its script alone.
 */
export interface BrowserWallet {
  /** The chain's name on the pages: "Connect Bitcoin wallet". */
  readonly chain: string;
  /** Its script, served under /static (`/static/<id>-wallet.js`). */
  readonly script: `/static/${string}-wallet.js`;
}

/** @simplewebauthn/browser's bundle, served from this origin: every page that asks for a passkey. */
export const WEBAUTHN_BROWSER_SCRIPT = '/static/vendor/simplewebauthn-browser.js';

/** The login page's script that drives every wallet chain's button (after the chains' scripts). */
export const WALLET_LOGIN_SCRIPT = '/static/wallet-login.js';

/**
 * A wallet chain's login button: its script finds the chain's wallets and has one sign the
 * message; wallet-login.js drives the button, as every chain's. Shown disabled until a wallet
 * answers.
 */
export function walletLoginButton(text: PageText, { script }: BrowserWallet): LoginButton {
  return { text, scripts: [script, WALLET_LOGIN_SCRIPT], until: 'disabled' };
}

/** What every wallet chain's verification feeds (POST /wallet/verify and the login page's). */
export const WALLET_VERIFICATION_METRICS: readonly VerifiedSeries[] = [
  {
    counter: 'proofgate_wallet_verifications_total',
    duration: 'proofgate_wallet_verify_duration_seconds',
  },
];

/** A wallet chain's sign-in as the pages that connect wallets see it. */
export interface PageWallet {
  /** The proof's id, which names the page's elements of the chain (`#connect-<id>`). */
  readonly id: string;
  readonly wallet: BrowserWallet;
}

/** The wallet chains among the proofs, in their order. */
export function pageWallets(
  proofs: readonly { readonly id: string; readonly wallet?: BrowserWallet }[],
): PageWallet[] {
  return proofs.flatMap(({ id, wallet }) => (wallet ? [{ id, wallet }] : []));
}

/**
 * The Prometheus series (by name) a proof feeds beyond the shared `proofgate_challenge_*` ones,
 * whose `model` label is the proof's id. The names are the dashboards' and alerts': never renamed.
 */
export interface ProofMetrics {
  /** Counted once per challenge of the proof issued. */
  readonly issued?: readonly IssuedCounter[];
  /** A counter by `outcome` and a latency histogram, fed by each ProofVerified of the proof. */
  readonly verified?: readonly VerifiedSeries[];
  /** A counter by `reason` and `client` of the refusals with these reasons. */
  readonly refused?: { readonly counter: RefusedCounter; readonly reasons: readonly string[] };
}
export type IssuedCounter = 'proofgate_wallet_nonces_issued_total';
export type VerifiedSeries = {
  readonly counter: 'proofgate_wallet_verifications_total';
  readonly duration: 'proofgate_wallet_verify_duration_seconds';
};
export type RefusedCounter = 'proofgate_pkce_failures_total';

/**
 * What the descriptors read of the deployment: the lifetimes, and the settings the comparison
 * tells (registration, metadata documents, chains, relying party, DPoP and PAR policy, the
 * upstream providers).
 */
export type ProofSettings = Pick<
  AppConfig,
  | 'challenges'
  | 'passkeys'
  | 'wallet'
  | 'registration'
  | 'clientMetadata'
  | 'dpop'
  | 'par'
  | 'upstream'
  | 'oid4vp'
>;

/** The static shape of a challenge-response protocol, as its specs define it. */
export interface ProtocolShape {
  readonly name: string;
  readonly standard: readonly string[];
  readonly client_generates: string;
  readonly sent_up_front: string;
  readonly server_stores: string;
  readonly bound_to: readonly string[];
  readonly client_proves_later: string;
  readonly server_verifies: string;
  readonly cryptography: string;
  readonly endpoints: readonly string[];
}

/** What the proof stops, and what it leaves to something else. */
export interface ThreatCard {
  readonly stops: readonly string[];
  readonly does_not_stop: readonly string[];
}

/**
 * One line of what a kind of client uses: a text, a text of the live settings, or the endpoints
 * under these paths that answer cross-origin, told from the CORS policy itself (compare/ writes
 * "CORS on POST /token, … for <origins>").
 */
export type ClientUseLine =
  string | ((settings: ProofSettings) => string) | { readonly corsOn: readonly string[] };

/** A kind of client that logs users in through the proof, and what it uses. */
export interface ClientUse {
  readonly clients: string;
  readonly through: readonly ClientUseLine[];
  readonly standards: readonly string[];
}

/** How the store keeps the proof's challenges, and for how long. */
interface StoredChallenges {
  readonly protocol: ProtocolShape;
  readonly threats: ThreatCard;
  /**
   * Its colour in the charts (lines and key) of GET /challenge-models, as `#rrggbb`: the page
   * takes it from here, so a new model needs no stylesheet edit.
   */
  readonly chartColour: `#${string}`;
  /** What the challenge store's key is: `SHA-256 of the nonce`. */
  readonly storageKey: string;
  /** The challenge lifetime this deployment applies (the TTL reader). */
  readonly lifetimeSeconds: (settings: ProofSettings) => number;
}

/** A login model's column of GET /challenge-models. */
export interface LoginComparison extends StoredChallenges {
  readonly usedBy: readonly ClientUse[];
  /** Settings of its policy beyond the lifetime (a passkey's recent-login window). */
  readonly policy?: (settings: ProofSettings) => { readonly recent_login_seconds?: number };
  /** Its variants, each a column of its own beside it (a hardware-bound passkey). */
  readonly variants?: readonly ModelVariant[];
}

/**
 * A variant of a login model: the model's own ceremonies and challenges (so its figures are the
 * model's, counted once, under the model), and a stronger claim from what the server stores and
 * checks besides. It states only what differs; the rest of its column is the model's.
 */
export interface ModelVariant {
  /** Its id in the comparison (`<model>_<what it adds>`): not a model id, never a metric label. */
  readonly id: string;
  readonly label: string;
  /** What its sign-ins say that the model's others do not (`acr`; `amr` beside `user`). */
  readonly achieves: { readonly acr: string; readonly amr: readonly string[] };
  /** The fields of the model's protocol shape it changes; every other field is the model's. */
  readonly protocol: Partial<ProtocolShape>;
  /** What it stops that the model's other sign-ins do not, and what it still does not prove. */
  readonly threats: ThreatCard;
  readonly usedBy: readonly ClientUse[];
  /** This deployment's settings of the variant, one line each (whether any sign-in reaches it). */
  readonly settings: (settings: ProofSettings) => Readonly<Record<string, string>>;
}

/** A path under a model's `figures.<window>`. */
export type WindowFigure =
  | 'issued'
  | 'redeemed'
  | 'expired_unredeemed'
  | 'rejected.total'
  | 'rejected.by_reason'
  | 'redemption_latency_ms.p50'
  | 'redemption_latency_ms.p95';

/** A proof of possession's column of GET /challenge-models (`proof_of_possession`). */
export interface PossessionComparison extends StoredChallenges {
  /** Database round trips a request adds, and whether they overlap its own work. */
  readonly costPerRequest: string;
  /** This deployment's settings of the mechanism, one line each. */
  readonly settings: (settings: ProofSettings) => Readonly<Record<string, string>>;
  /** Its live figures table: each figure's name for this mechanism, and its path. */
  readonly figures: readonly (readonly [name: string, path: WindowFigure])[];
  /** What `live` counts for it, when a live challenge means something. */
  readonly live?: string;
}
