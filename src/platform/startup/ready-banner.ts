import type { AppConfig } from '../../config/app-config';
import { DEMO_CLIENTS } from '../../config/sections/oauth.config';
import { SERVICE_VERSION } from '../version';

/** The address to open in a browser: a wildcard bind is reached on localhost. */
export function localUrl(config: AppConfig): string {
  const host = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.server.host)
    ? 'localhost'
    : config.server.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}`;
}

/** What a developer needs once the service is up: where to go, how to log in, where mail shows. */
export function readyBanner(config: AppConfig): string[] {
  const url = localUrl(config);
  const lines = [`Proofgate is ready: open ${url}`, `  version        ${SERVICE_VERSION}`];
  if (config.server.issuer !== url) lines.push(`  issuer         ${config.server.issuer}`);
  if (config.operator.docsEnabled) lines.push(`  API docs       ${url}/docs`);
  if (config.lab.enabled) lines.push(`  attack lab     ${url}/lab`);
  // Outside production without SMTP_URL: where email sign-in's codes show (no inbox needed).
  if (config.mail.transport === 'embedded') lines.push(`  dev mailbox    ${url}/dev/mailbox`);
  if (config.oauth.seedDemoData) {
    const client = DEMO_CLIENTS.find((c) => c.clientSecret !== undefined);
    lines.push('  demo login     user0 / password0');
    if (client) lines.push(`  demo client    ${client.clientId} / ${client.clientSecret}`);
  }
  return lines;
}

/** One line for a start-up failure the operator can act on, or undefined for anything else. */
export function listenFailure(error: unknown, config: AppConfig): string | undefined {
  const code = (error as { code?: unknown }).code;
  const where = `${config.server.host}:${config.server.port}`;
  if (code === 'EADDRINUSE') {
    return `Port ${config.server.port} is already in use on ${config.server.host} (PORT): stop what is listening on ${where}, or choose another PORT.`;
  }
  if (code === 'EACCES') {
    return `Not allowed to listen on ${where} (PORT): choose a PORT above 1023, or run with the right to bind it.`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return `HOST ${config.server.host} is no name this machine can resolve: set HOST to one of its addresses (127.0.0.1, or 0.0.0.0 for all), or a name that resolves to one.`;
  }
  if (code === 'EADDRNOTAVAIL') {
    return `HOST ${config.server.host} is not an address of this machine: set HOST to one of its addresses (127.0.0.1, or 0.0.0.0 for all).`;
  }
  return undefined;
}
