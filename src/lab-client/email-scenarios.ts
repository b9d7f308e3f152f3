import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { LabStepFailed, Outcome, allOf, describeReply, errorOutcome } from './expectations';
import { HttpClient, Reply, field } from './http';

/** How long the lab waits for a mail to reach the development mailbox. */
const MAIL_WAIT_MS = 10_000;

const INVALID_CODE = { status: 401, error: 'invalid_code' } as const;

/** The hidden fields of the login page's `form#email-login`. */
interface EmailFields {
  csrf_token: string;
  return_to: string;
}

/** One browser on the login page: its cookies (the client), and its form's fields. */
interface EmailBrowser {
  readonly client: HttpClient;
  readonly fields: EmailFields;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&quot;': '"', '&#39;': "'" };

function hidden(form: string, name: string): string | undefined {
  return new RegExp(`name="${name}" value="([^"]*)"`)
    .exec(form)?.[1]
    ?.replace(/&(amp|quot|#39);/g, (entity) => ENTITIES[entity]);
}

/**
 * Email codes against the live service, over HTTP only: each browser its own cookie jar, the
 * mail read where a development instance keeps it (GET /dev/mailbox; the rows need SMTP_URL
 * unset outside production, and say so otherwise). Each run signs in one fresh address (one
 * account created) and sends four codes.
 */
export class EmailLab {
  readonly model = 'email';
  private readonly address = `lab-${randomBytes(6).toString('hex')}@example.com`;
  /** The normal login's code and browser, replayed by the replay row. */
  private redeemed?: { browser: EmailBrowser; code: string };

  constructor(
    private readonly baseUrl: string,
    private readonly signal?: AbortSignal,
  ) {}

  /** A new browser on the login page. */
  private async browser(): Promise<EmailBrowser> {
    const client = new HttpClient(this.baseUrl, this.signal);
    const page = await client.get('/login', { headers: { accept: 'text/html' } });
    const form = /<form[^>]*id="email-login"[^]*?<\/form>/.exec(page.text)?.[0];
    const csrf = form && hidden(form, 'csrf_token');
    if (page.status !== 200 || !form || !csrf) {
      throw new LabStepFailed(
        `GET /login has no form#email-login (${page.status}): email sign-in is off`,
      );
    }
    return { client, fields: { csrf_token: csrf, return_to: hidden(form, 'return_to') ?? '/' } };
  }

  /** Asks for a code for `email` in `browser`, and reads it from the development mailbox. */
  private async requestCode(browser: EmailBrowser, email: string): Promise<string> {
    const mailbox = new HttpClient(this.baseUrl, this.signal);
    const seen = (await this.mailsTo(mailbox, email)).length;
    const started = await browser.client.post('/login/email/start', {
      json: { email, ...browser.fields },
    });
    if (started.status !== 200) {
      throw new LabStepFailed(`POST /login/email/start: ${describeReply(started)}`);
    }
    for (const until = Date.now() + MAIL_WAIT_MS; Date.now() < until;) {
      const mails = await this.mailsTo(mailbox, email);
      const code = mails.length > seen ? /^\s+(\d{8})$/m.exec(mails[0])?.[1] : undefined;
      if (code) return code;
      await sleep(100, undefined, { signal: this.signal });
    }
    throw new LabStepFailed(`no mail to ${email} in the development mailbox`);
  }

  /** The texts of the mails to `email` the development mailbox holds, newest first. */
  private async mailsTo(mailbox: HttpClient, email: string): Promise<string[]> {
    const reply = await mailbox.get('/dev/mailbox');
    if (reply.status !== 200) {
      throw new LabStepFailed(
        `GET /dev/mailbox: ${describeReply(reply)} (the email rows read codes there: SMTP_URL unset, outside production)`,
      );
    }
    const mails = (reply.json as { mails?: { to?: unknown; text?: unknown }[] }).mails ?? [];
    return mails.filter((mail) => mail.to === email).map((mail) => String(mail.text));
  }

  private verify(browser: EmailBrowser, code: string): Promise<Reply> {
    return browser.client.post('/login/email/verify', { json: { code, ...browser.fields } });
  }

  // --- scenarios -------------------------------------------------------------------------

  /** A code asked for on the login page, read from the mail, posted back: a login session. */
  async normalLogin(): Promise<Outcome> {
    const browser = await this.browser();
    const code = await this.requestCode(browser, this.address);
    const reply = await this.verify(browser, code);
    this.redeemed = { browser, code };
    const redirect = field(reply.json, 'redirect');
    return {
      expected: '200 { redirect }',
      answered: redirect ? `${reply.status} { redirect }` : describeReply(reply),
      passed: reply.status === 200 && redirect !== undefined,
    };
  }

  /** The normal login's code again, in its own browser. */
  async replayedCode(): Promise<Outcome> {
    if (!this.redeemed) throw new LabStepFailed('the normal login row did not sign in');
    const { browser, code } = this.redeemed;
    return errorOutcome(await this.verify(browser, code), INVALID_CODE);
  }

  /** Five wrong codes spend the challenge: the right one is then refused too. */
  async wrongCodeFiveTimes(): Promise<Outcome> {
    const browser = await this.browser();
    const email = `lab-guess-${randomBytes(6).toString('hex')}@example.com`;
    const code = await this.requestCode(browser, email);
    const wrong = String((Number(code) + 1) % 100_000_000).padStart(8, '0');
    const refusals: Reply[] = [];
    for (let i = 0; i < 5; i++) refusals.push(await this.verify(browser, wrong));
    const right = await this.verify(browser, code);
    const allRefused = refusals.every((reply) => reply.status === 401);
    return allOf(
      {
        expected: '5 × 401 invalid_code',
        answered: allRefused ? '5 × 401 invalid_code' : refusals.map(describeReply).join(', '),
        passed:
          allRefused && refusals.every((reply) => field(reply.json, 'error') === 'invalid_code'),
      },
      { ...errorOutcome(right, INVALID_CODE), expected: 'the right code then 401 invalid_code' },
    );
  }

  /**
   * A code typed in another browser is refused exactly as a wrong code is (the same status,
   * `error` and text: a guess that matched somebody's live code must not tell), and costs the
   * browser it was sent to nothing: that one still signs in.
   */
  async anotherBrowsersCode(): Promise<Outcome> {
    const owner = await this.browser();
    const code = await this.requestCode(owner, this.address);
    const thief = await this.browser();
    const stolen = await this.verify(thief, code);
    const guessed = await this.verify(
      thief,
      String((Number(code) + 1) % 100_000_000).padStart(8, '0'),
    );
    const own = await this.verify(owner, code);
    const same = describeReply(stolen) === describeReply(guessed);
    return allOf(
      errorOutcome(stolen, INVALID_CODE),
      {
        expected: 'the same as a wrong code',
        answered: same ? 'the same as a wrong code' : `a wrong code: ${describeReply(guessed)}`,
        passed: same,
      },
      {
        expected: 'owner then 200',
        answered: `owner then ${own.status}`,
        passed: own.status === 200,
      },
    );
  }
}
