import { randomBytes } from 'node:crypto';
import { ES256 } from '@sd-jwt/crypto-nodejs';
import {
  type ErrorAnswer,
  LabStepFailed,
  Outcome,
  allOf,
  describeReply,
  errorOutcome,
  statusOutcome,
} from './expectations';
import { HttpClient, Reply, field } from './http';
import {
  type Holder,
  type KeyBinding,
  type PresentationRequest,
  askedClaims,
  directPostBody,
  issueCredential,
  newHolder,
  present,
  readRequestObject,
} from './identity-wallet-holder';

/** demo-spa, the seeded first-party public client whose script asks for presentations (SEED_DEMO_DATA). */
const SCRIPT_CLIENT = 'demo-spa';
/** An issuer no trust list names, with a key of its own. */
const UNTRUSTED_ISSUER = 'https://untrusted-issuer.lab.proofgate.example';

/** OpenID4VP 1.0 §8.5: a presentation refused, the failed check named (the service's words). */
function refusedFor(check: string): ErrorAnswer {
  return {
    status: 400,
    error: 'invalid_presentation',
    description: `The presentation was refused: ${check}`,
  };
}
const NONCE = refusedFor('nonce: the key-binding JWT does not carry this request’s nonce');
const AUDIENCE = refusedFor('audience: the key-binding JWT’s aud is not this verifier’s client_id');
const DISCLOSURE = refusedFor(
  'disclosure: a disclosure does not hash to a digest the issuer signed',
);
const UNTRUSTED = refusedFor(
  'issuer not trusted: the credential’s issuer is not in the trust list',
);
/** A second post of a verified answer: its state is spent. */
const STATE_SPENT: ErrorAnswer = {
  status: 400,
  error: 'invalid_request',
  description: 'Unknown, expired or already answered state',
};
const OTHER_BROWSERS_CODE: ErrorAnswer = {
  status: 400,
  error: 'invalid_request',
  description: 'This response_code belongs to another browser; it is now spent',
};
const SPENT_CODE: ErrorAnswer = {
  status: 400,
  error: 'invalid_request',
  description: 'Unknown, expired or used response_code',
};

/** A request the lab's holder has read: what it answers, and who asked for it. */
interface OpenRequest {
  readonly id: string;
  readonly request: PresentationRequest;
  /** A script's request: the handle its poll shows. */
  readonly handle?: string;
}

/**
 * Sign-in with an identity wallet (OpenID4VP 1.0) against the live service, over HTTP only: the
 * lab's holder (src/lab-client/identity-wallet-holder.ts) presents a PID it issued itself with
 * the published demo issuer key, which only a development instance trusts (OID4VP_TRUSTED_ISSUERS
 * unset; elsewhere the rows fail saying the issuer is not trusted). Each refused answer is
 * followed by a good one to the same request: a refusal does not spend the state.
 */
export class Oid4vpLab {
  readonly model = 'oid4vp';
  /** The wallet's side: no cookies of the browser that asked. */
  private readonly wallet: HttpClient;
  private holder?: { holder: Holder; credential: string };
  /** The normal login's answer and the access token it signed in to, for the replay row. */
  private signedIn?: { request: OpenRequest; body: string; accessToken: string };

  constructor(
    private readonly baseUrl: string,
    private readonly signal?: AbortSignal,
  ) {
    this.wallet = new HttpClient(baseUrl, signal);
  }

  /** The lab's holder and its PID, made once. */
  private async pid(): Promise<{ holder: Holder; credential: string }> {
    if (!this.holder) {
      const holder = await newHolder();
      this.holder = { holder, credential: await issueCredential({ holder }) };
    }
    return this.holder;
  }

  /** A script's request (demo-spa), read by the wallet. */
  private async scriptRequest(): Promise<OpenRequest> {
    const created = await new HttpClient(this.baseUrl, this.signal).post('/oid4vp/requests', {
      json: { client_id: SCRIPT_CLIENT, scope: 'openid' },
    });
    return this.opened(created);
  }

  /** The login page's request, in `browser` (its cookies and CSRF token), read by the wallet. */
  private async browserRequest(browser: HttpClient): Promise<OpenRequest> {
    const page = await browser.get('/login', { headers: { accept: 'text/html' } });
    const csrf = /name="csrf_token" value="([^"]*)"/.exec(page.text)?.[1];
    if (page.status !== 200 || csrf === undefined) {
      throw new LabStepFailed(`GET /login has no csrf_token (${page.status})`);
    }
    return this.opened(
      await browser.post('/oid4vp/requests', { json: { csrf_token: csrf, return_to: '/' } }),
    );
  }

  private async opened(created: Reply): Promise<OpenRequest> {
    const id = field(created.json, 'id');
    const requestUri = field(created.json, 'request_uri');
    if (created.status !== 201 || id === undefined || requestUri === undefined) {
      throw new LabStepFailed(
        `POST /oid4vp/requests: ${describeReply(created)} (identity wallets need a trusted issuer)`,
      );
    }
    const fetched = await this.wallet.get(requestUri, {
      headers: { accept: 'application/oauth-authz-req+jwt' },
    });
    if (fetched.status !== 200) throw new LabStepFailed(`GET request_uri: ${fetched.status}`);
    const handle = field(created.json, 'handle');
    return {
      id,
      request: await readRequestObject(fetched.text),
      ...(handle === undefined ? {} : { handle }),
    };
  }

  /** The holder's presentation for `open`, its key-binding JWT as the request asks unless told. */
  private async presentation(
    open: OpenRequest,
    kb: Partial<KeyBinding> = {},
    pid?: { holder: Holder; credential: string },
  ): Promise<string> {
    const { holder, credential } = pid ?? (await this.pid());
    return present(holder, credential, askedClaims(open.request), {
      aud: kb.aud ?? open.request.client_id,
      nonce: kb.nonce ?? open.request.nonce,
    });
  }

  /** The wallet's direct_post to the request's response URI. */
  private answer(open: OpenRequest, presentation: string): Promise<Reply> {
    return this.postBody(open, directPostBody(open.request, presentation));
  }

  private postBody(open: OpenRequest, body: string): Promise<Reply> {
    return this.wallet.post(open.request.response_uri, {
      form: Object.fromEntries(new URLSearchParams(body)),
    });
  }

  /** After a refusal: the holder's good answer to the same request (its state still live). */
  private async thenSignsIn(open: OpenRequest): Promise<Outcome> {
    const reply = await this.answer(open, await this.presentation(open));
    return statusOutcome('the same request then', reply, 200);
  }

  /** A refusal of a spoiled answer, then the good one to the same request. */
  private async refusedThenSignsIn(
    expected: ErrorAnswer,
    spoil: (open: OpenRequest) => Promise<string>,
  ): Promise<Outcome> {
    const open = await this.scriptRequest();
    const refused = await this.answer(open, await spoil(open));
    return allOf(errorOutcome(refused, expected), await this.thenSignsIn(open));
  }

  // --- scenarios -------------------------------------------------------------------------

  /** A script's request answered, its poll's tokens used at /api/me. */
  async normalLogin(): Promise<Outcome> {
    const open = await this.scriptRequest();
    const body = directPostBody(open.request, await this.presentation(open));
    const answered = await this.postBody(open, body);
    if (answered.status !== 200) {
      return {
        expected: '/oid4vp/response 200',
        answered: `/oid4vp/response ${describeReply(answered)}`,
        passed: false,
      };
    }
    const polled = await new HttpClient(this.baseUrl, this.signal).get(
      `/oid4vp/requests/${open.id}`,
      { headers: { authorization: `Bearer ${open.handle ?? ''}` } },
    );
    const tokens = (polled.json as { tokens?: { access_token?: unknown } } | undefined)?.tokens;
    const accessToken = typeof tokens?.access_token === 'string' ? tokens.access_token : undefined;
    const status = field(polled.json, 'status');
    if (polled.status !== 200 || status !== 'signed_in' || accessToken === undefined) {
      return {
        expected: '/oid4vp/response 200; poll signed_in with tokens',
        answered: `/oid4vp/response 200; poll ${describeReply(polled)} ${status ?? ''}`.trim(),
        passed: false,
      };
    }
    this.signedIn = { request: open, body, accessToken };
    const me = await this.apiMe(accessToken);
    const method = field(me.json, 'auth_method');
    return {
      expected: '/oid4vp/response 200; poll signed_in with tokens; /api/me 200 oid4vp',
      answered:
        `/oid4vp/response 200; poll signed_in with tokens; /api/me ${me.status} ${method ?? ''}`.trim(),
      passed: me.status === 200 && method === 'oid4vp',
    };
  }

  private apiMe(accessToken: string): Promise<Reply> {
    return new HttpClient(this.baseUrl, this.signal).get('/api/me', {
      headers: { authorization: `Bearer ${accessToken}` },
    });
  }

  /** The normal login's answer posted again: its state is spent, the first sign-in stands. */
  async replayedPresentation(): Promise<Outcome> {
    if (!this.signedIn) throw new LabStepFailed('the normal login row did not sign in');
    const { request, body, accessToken } = this.signedIn;
    const replayed = await this.postBody(request, body);
    const first = await this.apiMe(accessToken);
    return allOf(errorOutcome(replayed, STATE_SPENT), {
      expected: 'the first sign-in’s token 200 at /api/me',
      answered: `the first sign-in’s token ${first.status} at /api/me`,
      passed: first.status === 200,
    });
  }

  /** A key-binding JWT over another request's nonce. */
  wrongNonce(): Promise<Outcome> {
    return this.refusedThenSignsIn(NONCE, (open) =>
      this.presentation(open, { nonce: randomBytes(32).toString('base64url') }),
    );
  }

  /** A key-binding JWT made for another verifier (its client_id). */
  wrongAudience(): Promise<Outcome> {
    return this.refusedThenSignsIn(AUDIENCE, (open) =>
      this.presentation(open, { aud: 'redirect_uri:https://rp.attacker.example/response' }),
    );
  }

  /** A disclosure of the same claim with another value: its digest was never signed. */
  tamperedDisclosure(): Promise<Outcome> {
    return this.refusedThenSignsIn(DISCLOSURE, async (open) => {
      const parts = (await this.presentation(open)).split('~');
      const [, name] = JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as unknown[];
      parts[1] = Buffer.from(JSON.stringify(['lab-salt', name, 'Mallory'])).toString('base64url');
      return parts.join('~');
    });
  }

  /** A PID its holder issued itself under an issuer no trust list names. */
  untrustedIssuer(): Promise<Outcome> {
    return this.refusedThenSignsIn(UNTRUSTED, async (open) => {
      const { holder } = await this.pid();
      const issuerKey = (await ES256.generateKeyPair()).privateKey;
      const credential = await issueCredential({
        holder,
        iss: UNTRUSTED_ISSUER,
        issuerJwk: { ...issuerKey, kid: 'untrusted-1' },
      });
      return this.presentation(open, {}, { holder, credential });
    });
  }

  /**
   * OpenID4VP 1.0 §8.2: the same-device redirect's response_code opened in another browser (a
   * forwarded link, an intercepted redirect): refused and spent, so its own browser is refused too.
   */
  async responseCodeFromAnotherBrowser(): Promise<Outcome> {
    const owner = new HttpClient(this.baseUrl, this.signal);
    const open = await this.browserRequest(owner);
    const answered = await this.answer(open, await this.presentation(open));
    const redirect = field(answered.json, 'redirect_uri');
    if (answered.status !== 200 || redirect === undefined) {
      throw new LabStepFailed(`/oid4vp/response: ${describeReply(answered)}, no redirect_uri`);
    }
    const other = new HttpClient(this.baseUrl, this.signal);
    await other.get('/login', { headers: { accept: 'text/html' } });
    const stolen = await other.get(redirect);
    const late = await owner.get(redirect);
    return allOf(errorOutcome(stolen, OTHER_BROWSERS_CODE), {
      ...errorOutcome(late, SPENT_CODE),
      expected: `the owner then ${errorOutcome(late, SPENT_CODE).expected}`,
      answered: `the owner then ${describeReply(late)}`,
    });
  }
}
