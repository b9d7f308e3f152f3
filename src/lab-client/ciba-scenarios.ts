import { type Hex } from 'viem';
import { type PrivateKeyAccount, generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { CLIENT_ASSERTION_TYPE, type ClientAuthLab } from './client-auth-scenarios';
import { LabStepFailed, type Outcome, allOf, describeReply, errorOutcome } from './expectations';
import { HttpClient, type Reply, field } from './http';

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
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1];
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

  /** The demo agent asks `person` for `details`; answers the request's id on their page. */
  private async ask(person: Person, message: string, details: object): Promise<string> {
    const reply = await this.http.post('/backchannel', {
      form: {
        scope: 'openid api',
        login_hint: `eip155:1:${person.wallet.address}`,
        binding_message: message,
        authorization_details: JSON.stringify([details]),
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: await this.agent.assertion(),
      },
    });
    if (reply.status !== 200 || !field(reply.json, 'auth_req_id')) {
      throw new LabStepFailed(
        `POST /backchannel: ${describeReply(reply)} (SEED_DEMO_DATA, and AUTHORIZATION_DETAILS_TYPES with ${LAB_PAYMENT_TYPE}?)`,
      );
    }
    const page = await person.browser.get('/account/approvals');
    const approvals = (page.json as { approvals?: { id: string; binding_message?: string }[] })
      ?.approvals;
    const id = approvals?.find((approval) => approval.binding_message === message)?.id;
    if (!id) throw new LabStepFailed(`GET /account/approvals: ${describeReply(page)}, no request`);
    return id;
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
    const approval: Outcome = {
      expected: 'approve 200',
      answered: `approve ${describeReply(approved)}`,
      passed: approved.status === 200,
    };
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
}
