import { AppConfig } from '../../config/app-config';
import { portUnavailable } from './port-preflight';
import { listenFailure, readyBanner } from './ready-banner';
import { SERVICE_VERSION } from '../version';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate', PORT: '25000' };

describe('readyBanner', () => {
  it('names the URL, /docs, /lab, the development mailbox and the demo logins in development', () => {
    expect(readyBanner(AppConfig.fromEnv(base))).toEqual([
      'Proofgate is ready: open http://localhost:25000',
      `  version        ${SERVICE_VERSION}`,
      '  API docs       http://localhost:25000/docs',
      '  attack lab     http://localhost:25000/lab',
      '  dev mailbox    http://localhost:25000/dev/mailbox',
      '  demo login     user0 / password0',
      '  demo client    demo-client / demo-secret',
    ]);
  });

  it('shows no demo logins, docs, lab or mailbox where they are off (mail through SMTP_URL)', () => {
    const config = AppConfig.fromEnv({
      ...base,
      SMTP_URL: 'smtp://mail.example.com:587',
      HOST: '0.0.0.0',
      SEED_DEMO_DATA: 'false',
      DOCS_ENABLED: 'false',
      LAB_ENABLED: 'false',
    });
    expect(readyBanner(config)).toEqual([
      'Proofgate is ready: open http://localhost:25000',
      `  version        ${SERVICE_VERSION}`,
    ]);
  });
});

describe('listenFailure', () => {
  const config = AppConfig.fromEnv(base);
  it('turns EADDRINUSE into what to do', () => {
    expect(listenFailure(Object.assign(new Error('x'), { code: 'EADDRINUSE' }), config)).toBe(
      'Port 25000 is already in use on 127.0.0.1 (PORT): stop what is listening on 127.0.0.1:25000, or choose another PORT.',
    );
  });
  it('turns a HOST that does not resolve into what to do', async () => {
    const named = AppConfig.fromEnv({ ...base, HOST: 'no-such-host.invalid' });
    expect(await portUnavailable(named)).toBe(
      'HOST no-such-host.invalid is no name this machine can resolve: set HOST to one of its addresses (127.0.0.1, or 0.0.0.0 for all), or a name that resolves to one.',
    );
  });
  it('leaves other errors alone', () => {
    expect(listenFailure(new Error('boom'), config)).toBeUndefined();
  });
});
