/**
 * examples/device-login.mjs, run as users run it (its own process) against the service on a real
 * port: it registers a public client for the device grant, prints where to go and the code, and
 * polls; the user confirms in a browser; it then prints the tokens and /api/me.
 */
import { join } from 'node:path';
import { signedInAtDevicePage, submitUserCode } from '../../support/device-browser';
import { freePort, startScript } from '../../support/processes';
import { readTerminalQrCode } from '../../support/terminal-qr';
import { TestApp, startListeningApp } from '../../support/test-app';

const SCRIPT = join(__dirname, '..', '..', '..', 'examples', 'device-login.mjs');

function runExample(env: Record<string, string>, args: string[] = []) {
  return startScript(SCRIPT, args, env);
}

describe('examples/device-login.mjs', () => {
  let t: TestApp;
  let issuer: string;

  beforeAll(async () => {
    // Polls every second, so the run takes seconds.
    ({ t, issuer } = await startListeningApp({ DEVICE_CODE_INTERVAL_SECONDS: '1' }));
  });
  afterAll(() => t.close());

  it('prints the verification URL, the code and a QR code of the URL, polls until the user confirms, then calls /api/me', async () => {
    // --qr: the QR code a terminal shows, into this pipe.
    const { child, output, closed: exited } = runExample({ PROOFGATE_URL: issuer }, ['--qr']);
    const shown = await new Promise<RegExpExecArray>((resolve, reject) => {
      const look = () => {
        const found = /^Open (\S+)\n[\s\S]*this code: ([A-Z]{4}-[A-Z]{4})\n/m.exec(output.stdout);
        if (found) resolve(found);
      };
      child.stdout.on('data', look);
      void exited.then(() => reject(new Error(`exited early: ${output.stderr}`)));
    });
    const [, url, userCode] = shown;
    expect(url).toBe(`${issuer}/device?user_code=${userCode}`);

    const browser = await signedInAtDevicePage(issuer, userCode);
    expect((await submitUserCode(browser, issuer, userCode, 'approve')).status).toBe(200);

    expect(await exited).toBe(0);
    expect(output.stderr).toBe('');
    const printedCode = output.stdout.slice(
      shown.index + shown[0].length,
      output.stdout.indexOf('{'),
    );
    expect(readTerminalQrCode(printedCode)).toBe(url);
    const documents = output.stdout
      .slice(output.stdout.indexOf('{'))
      .split(/\n(?=\{)/)
      .map((part) => JSON.parse(part) as Record<string, unknown>);
    expect(documents[0]).toMatchObject({
      client_id: expect.stringMatching(/^dcr_/),
      tokens: { access_token: expect.any(String), scope: 'openid profile api' },
    });
    expect(documents[1]).toMatchObject({ auth_method: 'password' });
  });

  it('without a server says in one line how to start one', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = runExample({ PROOFGATE_URL: closed });
    expect(await run.closed).toBe(1);
    const { output } = run;
    expect(output.stdout).toBe('');
    expect(output.stderr).toBe(
      `No Proofgate answers at ${closed} (ECONNREFUSED): start one with \`npm start\`, or set PROOFGATE_URL.\n`,
    );
  });
});
