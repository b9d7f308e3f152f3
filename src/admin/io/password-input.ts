import { AdminError, UsageError } from '../admin.errors';

/** Where a password comes from: stdin, a terminal (hidden prompt) or a pipe. */
export type PasswordInputStream = NodeJS.ReadableStream & {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
};

/** More than this on stdin is not a password (the longest one accepted is 1024 characters). */
const MAX_PIPED_BYTES = 8 * 1024;

const PASSWORD_SOURCES = 'pipe it on stdin, or run in a terminal to be prompted';

export const PASSWORD_NOT_IN_ARGV = `passwords are never read from the command line (shell history, ps): ${PASSWORD_SOURCES}`;

/**
 * Reads a password: from a hidden prompt (asked twice when `confirm`) when stdin is a terminal,
 * otherwise everything piped on stdin, less one final line break.
 */
export async function readPassword(
  input: PasswordInputStream,
  prompt: Pick<NodeJS.WritableStream, 'write'>,
  { label, confirm }: { label: string; confirm: boolean },
): Promise<string> {
  if (input.isTTY && input.setRawMode) {
    const password = await promptHidden(input, prompt, `${label}: `);
    if (confirm && (await promptHidden(input, prompt, 'Repeat it: ')) !== password) {
      throw new AdminError('the two passwords do not match');
    }
    return password;
  }
  const piped = await readAll(input);
  if (piped === '') {
    throw new UsageError(`no password on stdin: ${PASSWORD_SOURCES}`);
  }
  return piped;
}

async function readAll(input: PasswordInputStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    size += bytes.length;
    if (size > MAX_PIPED_BYTES) throw new AdminError('stdin holds more than a password');
    chunks.push(bytes);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** A prompt that echoes nothing: the terminal in raw mode, keys handled one by one. */
function promptHidden(
  input: PasswordInputStream,
  output: Pick<NodeJS.WritableStream, 'write'>,
  question: string,
): Promise<string> {
  // Raw mode before the prompt: what is typed once the prompt shows is never echoed.
  input.setRawMode!(true);
  input.setEncoding('utf8');
  input.resume();
  output.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      input.removeListener('data', onData);
      input.setRawMode!(false);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string | Buffer) => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') return finish();
        // Raw mode turns Ctrl-C into a character instead of SIGINT.
        if (char === '\u0003' || (char === '\u0004' && value === '')) {
          return finish(new AdminError('cancelled'));
        }
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (char === '\u0015') value = '';
        // An escape sequence (arrow keys and the like) is never part of the password.
        else if (char === '\u001b') return;
        else if (char >= ' ') value += char;
      }
    };
    input.on('data', onData);
  });
}
