import { type Hex } from 'viem';
import { type PrivateKeyAccount, generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  ACCESS_TOKEN_TYPE,
  CLIENT_ASSERTION_TYPE,
  type ClientAuthLab,
  TOKEN_EXCHANGE_GRANT,
} from './client-auth-scenarios';
import {
  type ErrorAnswer,
  LabStepFailed,
  type Outcome,
  allOf,
  describeReply,
  errorOutcome,
  statusOutcome,
} from './expectations';
import { HttpClient, type Reply, csrfTokenOf, field } from './http';

const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

/**
 * The second demo agent the service seeds with SEED_DEMO_DATA (client_secret_basic, registered for
 * the CIBA grant only), and its secret: a demo secret, published like `demo-secret`.
 */
export const OTHER_AGENT = { id: 'demo-agent-2', secret: 'demo-agent-2-secret' } as const;

export const AUTH_REQ_ID_OF_ANOTHER_CLIENT: ErrorAnswer = {
  status: 400,
  error: 'invalid_grant',
  description: 'auth_req_id was issued to another client',
};

export const WIDENED_DETAILS: ErrorAnswer = {
  status: 400,
  error: 'invalid_authorization_details',
  description:
    'authorization_details may only narrow those granted: each object must be one granted',
};

/**
 * The operator's type the rows ask for (AUTHORIZATION_DETAILS_TYPES must define it: `npm run lab`
 * starts the service with it), and two payments of it.
 */
export const LAB_PAYMENT_TYPE = 'payment_initiation';

/** AUTHORIZATION_DETAILS_TYPES as the lab's service is started with (a JSON Schema, a template). */
export const LAB_AUTHORIZATION_DETAILS_TYPES = {
  [LAB_PAYMENT_TYPE]: {
    schema: {
      type: 'object',
      required: ['type', 'amount', 'currency', 'creditor'],
      properties: {
        type: { const: LAB_PAYMENT_TYPE },
        amount: { type: 'string', pattern: '^[0-9]{1,9}\\.[0-9]{2}$' },
        currency: { enum: ['EUR'] },
        creditor: { type: 'string', maxLength: 100 },
      },
      additionalProperties: false,
    },
    template: 'Pay {{amount}} {{currency}} to {{creditor}}',
  },
};
const PAY_12 = { type: LAB_PAYMENT_TYPE, amount: '12.00', currency: 'EUR', creditor: 'Lab shop' };
const PAY_9999 = { ...PAY_12, amount: '9999.00', creditor: 'Lab attacker' };

/** What a forged or misplaced EIP-712 signature is told. */
const BAD_SIGNATURE = {
  status: 401,
  error: 'invalid_signature',
  description: 'The signature is not valid for the message address',
} as const;

type TypedData = Parameters<PrivateKeyAccount['signTypedData']>[0];

/** A signed-in wallet person: their browser, its CSRF token for the approvals page, the wallet. */
interface Person {
  readonly browser: HttpClient;
  readonly wallet: PrivateKeyAccount;
}

/**
 * CIBA approvals as proofs over the exact request (issue #51), over HTTP only: the demo agent
 * (private_key_jwt, registered for the CIBA grant with SEED_DEMO_DATA) asks a wallet person for a
 * payment; the person, signed in with that wallet on the login page, signs the EIP-712 typed data
 * of the approval challenge. The attacks: the approval signature replayed on another request, and
 * a signature over another request's details.
 */
export class CibaLab {
  private readonly http: HttpClient;

  constructor(
    private readonly baseUrl: string,
    private readonly agent: ClientAuthLab,
    private readonly signal?: AbortSignal,
  ) {
    this.http = new HttpClient(baseUrl, signal);
  }

  /** A new wallet, signed in on the login page (its own account). */
  private async person(): Promise<Person> {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const browser = new HttpClient(this.baseUrl, this.signal);
    const page = await browser.get('/login', { headers: { accept: 'text/html' } });
    const csrf = csrfTokenOf(page);
    if (page.status !== 200 || !csrf) throw new LabStepFailed(`GET /login: ${page.status}`);
    const nonce = await browser.post('/wallet/nonce', {
      json: { address: wallet.address, chainId: 1 },
    });
    const message = field(nonce.json, 'message');
    if (nonce.status !== 201 || !message) {
      throw new LabStepFailed(`POST /wallet/nonce: ${describeReply(nonce)}`);
    }
    const login = await browser.post('/login/siwe', {
      json: {
        message,
        signature: await wallet.signMessage({ message }),
        csrf_token: csrf,
        return_to: '/',
      },
    });
    if (login.status !== 200) throw new LabStepFailed(`POST /login/siwe: ${describeReply(login)}`);
    return { browser, wallet };
  }

  /** POST /backchannel as the demo agent: the request's `auth_req_id` and `interval`. */
  private async backchannel(
    loginHint: string,
    message: string,
    details?: object,
  ): Promise<{ authReqId: string; interval: number }> {
    const reply = await this.http.post('/backchannel', {
      form: {
        scope: 'openid api',
        login_hint: loginHint,
        binding_message: message,
        ...(details === undefined ? {} : { authorization_details: JSON.stringify([details]) }),
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: await this.agent.assertion(),
      },
    });
    const authReqId = field(reply.json, 'auth_req_id');
    const interval = (reply.json as { interval?: unknown } | undefined)?.interval;
    if (reply.status !== 200 || !authReqId || typeof interval !== 'number') {
      throw new LabStepFailed(
        `POST /backchannel: ${describeReply(reply)} (SEED_DEMO_DATA, and AUTHORIZATION_DETAILS_TYPES with ${LAB_PAYMENT_TYPE}?)`,
      );
    }
    return { authReqId, interval };
  }

  /** The demo agent asks `person`; answers its `auth_req_id` and the request's id on their page. */
  private async asked(
    person: Person,
    message: string,
    details?: object,
  ): Promise<{ authReqId: string; id: string }> {
    const { authReqId } = await this.backchannel(
      `eip155:1:${person.wallet.address}`,
      message,
      details,
    );
    const page = await person.browser.get('/account/approvals');
    const approvals = (page.json as { approvals?: { id: string; binding_message?: string }[] })
      ?.approvals;
    const id = approvals?.find((approval) => approval.binding_message === message)?.id;
    if (!id) throw new LabStepFailed(`GET /account/approvals: ${describeReply(page)}, no request`);
    return { authReqId, id };
  }

  /** The demo agent asks `person` for `details`; answers the request's id on their page. */
  private async ask(person: Person, message: string, details: object): Promise<string> {
    return (await this.asked(person, message, details)).id;
  }

  /** The demo agent's poll of /token (CIBA Core 1.0 §10.1). */
  private poll(authReqId: string): Promise<Reply> {
    return this.agent.tokenAsAgent({ grant_type: CIBA_GRANT, auth_req_id: authReqId });
  }

  private async csrf(person: Person): Promise<string> {
    const page = await person.browser.get('/account/approvals');
    const token = field(page.json, 'csrf_token');
    if (!token) throw new LabStepFailed(`GET /account/approvals: ${describeReply(page)}`);
    return token;
  }

  /** The approval's EIP-712 challenge for the person's wallet. */
  private async typedData(person: Person, id: string): Promise<TypedData> {
    const reply = await person.browser.post(`/account/approvals/${id}/challenge`, {
      json: {
        csrf_token: await this.csrf(person),
        method: 'eip155',
        address: person.wallet.address,
        chainId: 1,
      },
    });
    const data = (reply.json as { typed_data?: TypedData } | undefined)?.typed_data;
    if (reply.status !== 200 || !data) {
      throw new LabStepFailed(`POST /account/approvals/{id}/challenge: ${describeReply(reply)}`);
    }
    return data;
  }

  private async approve(person: Person, id: string, signature: Hex): Promise<Reply> {
    return person.browser.post(`/account/approvals/${id}/approve`, {
      json: {
        csrf_token: await this.csrf(person),
        method: 'eip155',
        address: person.wallet.address,
        chainId: 1,
        signature,
      },
    });
  }

  // --- scenarios -------------------------------------------------------------------------

  /**
   * A signature that approved one request, presented for an identical one (a fresh challenge of
   * its own, another nonce): refused; and for the request it approved, which is answered.
   */
  async replayedSignature(): Promise<Outcome> {
    const person = await this.person();
    const first = await this.ask(person, 'Lab: pay 12 EUR', PAY_12);
    const signature = await person.wallet.signTypedData(await this.typedData(person, first));
    const approved = await this.approve(person, first, signature);
    const approval: Outcome = statusOutcome('approve', approved, 200);
    const twin = await this.ask(person, 'Lab: pay 12 EUR again', PAY_12);
    await this.typedData(person, twin);
    const replayed = errorOutcome(await this.approve(person, twin, signature), BAD_SIGNATURE);
    const again = await this.approve(person, first, signature);
    return allOf(approval, replayed, {
      expected: 'the same signature again 404',
      answered: `the same signature again ${again.status}`,
      passed: again.status === 404,
    });
  }

  /** A signature over a 9999 EUR request's challenge presented to approve a 12 EUR one. */
  async signatureOverOtherDetails(): Promise<Outcome> {
    const person = await this.person();
    const small = await this.ask(person, 'Lab: pay 12 EUR to the shop', PAY_12);
    const large = await this.ask(person, 'Lab: pay 9999 EUR', PAY_9999);
    await this.typedData(person, small);
    const signature = await person.wallet.signTypedData(await this.typedData(person, large));
    return errorOutcome(await this.approve(person, small, signature), BAD_SIGNATURE);
  }

  /**
   * CIBA Core 1.0 §11, RFC 8628 §3.5: a poll before `interval` is up slows down, and waits longer.
   * It asks a fresh wallet's account, which nobody answers: the request stays pending until it
   * expires, and runs one after another never meet the demo agent's cap of pending requests for
   * one person (CIBA_MAX_PENDING_PER_CLIENT), as asking user0 each time would.
   */
  async pollTooFast(): Promise<Outcome> {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const { authReqId, interval } = await this.backchannel(
      `eip155:1:${wallet.address}`,
      'Lab: polled too fast',
    );
    const first = await this.poll(authReqId);
    const second = await this.poll(authReqId);
    const third = await this.poll(authReqId);
    // Each early poll lengthens the wait by 5 seconds (RFC 8628 §3.5).
    const slowDown = (seconds: number): ErrorAnswer => ({
      status: 400,
      error: 'slow_down',
      description: `Polled too fast; wait ${seconds} seconds between polls`,
    });
    return allOf(
      errorOutcome(first, { status: 400, error: 'authorization_pending' }),
      errorOutcome(second, slowDown(interval + 5)),
      errorOutcome(third, slowDown(interval + 10)),
    );
  }

  /**
   * RFC 6749 §5.2, CIBA Core 1.0 §11: an `auth_req_id` is redeemed only by the client that made
   * the request: another CIBA client presenting it is refused before and after the person
   * approves, and the owner then gets its tokens.
   */
  async authReqIdOfAnotherClient(): Promise<Outcome> {
    const person = await this.person();
    const { authReqId, id } = await this.asked(person, 'Lab: for the demo agent only');
    const pending = await this.pollAsOtherAgent(authReqId);
    const approved = await person.browser.post(`/account/approvals/${id}/approve`, {
      json: { csrf_token: await this.csrf(person) },
    });
    if (approved.status !== 200) {
      throw new LabStepFailed(`POST /account/approvals/{id}/approve: ${describeReply(approved)}`);
    }
    const stolen = await this.pollAsOtherAgent(authReqId);
    const owner = await this.poll(authReqId);
    return allOf(
      errorOutcome(pending, AUTH_REQ_ID_OF_ANOTHER_CLIENT),
      errorOutcome(stolen, AUTH_REQ_ID_OF_ANOTHER_CLIENT),
      {
        expected: 'the owner then 200',
        answered: `the owner then ${describeReply(owner)}`,
        passed: owner.status === 200 && field(owner.json, 'access_token') !== undefined,
      },
    );
  }

  private pollAsOtherAgent(authReqId: string): Promise<Reply> {
    const basic = Buffer.from(`${OTHER_AGENT.id}:${OTHER_AGENT.secret}`).toString('base64');
    return this.http.post('/token', {
      form: { grant_type: CIBA_GRANT, auth_req_id: authReqId },
      headers: { authorization: `Basic ${basic}` },
    });
  }

  /**
   * RFC 9396 §7, RFC 8693: token exchange narrows the granted `authorization_details`, never
   * widens them. The person approves 12 EUR with a signature; the agent exchanges its token
   * for 9999 EUR: refused; for the 12 EUR it was granted: answered.
   */
  async widenedExchange(): Promise<Outcome> {
    const person = await this.person();
    const { authReqId, id } = await this.asked(person, 'Lab: pay 12 EUR, then more', PAY_12);
    const signature = await person.wallet.signTypedData(await this.typedData(person, id));
    const approved = await this.approve(person, id, signature);
    const tokens = await this.poll(authReqId);
    const subject = field(tokens.json, 'access_token');
    if (approved.status !== 200 || tokens.status !== 200 || !subject) {
      throw new LabStepFailed(
        `approve ${describeReply(approved)}; /token ${describeReply(tokens)}`,
      );
    }
    const exchange = (details: object) =>
      this.agent.tokenAsAgent({
        grant_type: TOKEN_EXCHANGE_GRANT,
        subject_token: subject,
        subject_token_type: ACCESS_TOKEN_TYPE,
        authorization_details: JSON.stringify([details]),
      });
    const widened = await exchange(PAY_9999);
    const narrowed = await exchange(PAY_12);
    return allOf(
      errorOutcome(widened, WIDENED_DETAILS),
      statusOutcome('the granted details then', narrowed, 200),
    );
  }
}
