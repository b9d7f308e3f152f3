import { PassThrough } from 'node:stream';
import { AdminError, UsageError } from '../admin.errors';
import { readPassword, type PasswordInputStream } from './password-input';

/** A terminal as far as readPassword can tell: raw mode switches recorded, keys typed later. */
class FakeTerminal extends PassThrough {
  readonly isTTY = true;
  readonly events: string[] = [];
  setRawMode(mode: boolean): this {
    this.events.push(`raw:${mode}`);
    return this;
  }
}

function output(log: string[]) {
  return { write: (text: string) => log.push(text) > 0 };
}

/** Types `keys`, one chunk per entry, once the prompt is waiting. */
function typeLater(terminal: FakeTerminal, keys: string[]): void {
  setImmediate(() => {
    for (const chunk of keys) terminal.write(chunk);
  });
}

describe('readPassword', () => {
  describe('from a pipe', () => {
    const piped = (text: string): PasswordInputStream => {
      const stream = new PassThrough();
      stream.end(text);
      return stream;
    };
    const read = (text: string) =>
      readPassword(piped(text), output([]), { label: 'Password', confirm: true });

    it('takes everything on stdin less one final line break', async () => {
      await expect(read('correct horse\n')).resolves.toBe('correct horse');
      await expect(read('correct horse\r\n')).resolves.toBe('correct horse');
      await expect(read('  spaces kept  ')).resolves.toBe('  spaces kept  ');
      await expect(read('two\nlines\n')).resolves.toBe('two\nlines');
    });

    it('refuses an empty stdin as a usage error', async () => {
      await expect(read('')).rejects.toBeInstanceOf(UsageError);
      await expect(read('\n')).rejects.toThrow(/^no password on stdin/);
    });

    it('refuses more than a password could be', async () => {
      await expect(read('x'.repeat(9000))).rejects.toThrow(
        new AdminError('stdin holds more than a password'),
      );
    });
  });

  describe('from a terminal', () => {
    it('prompts twice with the terminal in raw mode from before the prompt, echoing nothing', async () => {
      const terminal = new FakeTerminal();
      const written: string[] = [];
      const prompt = {
        write: (text: string) => written.push(`${terminal.events.length}:${text}`) > 0,
      };
      typeLater(terminal, ['correct horse\r']);
      setTimeout(() => terminal.write('correct horse\r'), 20);

      const password = await readPassword(terminal, prompt, { label: 'Password', confirm: true });

      expect(password).toBe('correct horse');
      expect(terminal.events).toEqual(['raw:true', 'raw:false', 'raw:true', 'raw:false']);
      // Each prompt is written after raw mode is on (1 and 3 switches recorded), then a newline.
      expect(written).toEqual(['1:Password: ', '2:\n', '3:Repeat it: ', '4:\n']);
    });

    it('handles backspace, Ctrl-U and escape sequences as a line editor would', async () => {
      const terminal = new FakeTerminal();
      typeLater(terminal, ['wrong', '\u0015', 'correct horsx', '\u007f', 'e', '\u001b[A', '\r']);

      await expect(
        readPassword(terminal, output([]), { label: 'Password', confirm: false }),
      ).resolves.toBe('correct horse');
    });

    it('refuses two different entries', async () => {
      const terminal = new FakeTerminal();
      typeLater(terminal, ['correct horse\r']);
      setTimeout(() => terminal.write('correct horsE\r'), 20);

      await expect(
        readPassword(terminal, output([]), { label: 'Password', confirm: true }),
      ).rejects.toThrow(new AdminError('the two passwords do not match'));
      expect(terminal.events.at(-1)).toBe('raw:false');
    });

    it('treats Ctrl-C as cancelling, and leaves raw mode', async () => {
      const terminal = new FakeTerminal();
      typeLater(terminal, ['corr', '\u0003']);

      await expect(
        readPassword(terminal, output([]), { label: 'Password', confirm: true }),
      ).rejects.toThrow(new AdminError('cancelled'));
      expect(terminal.events).toEqual(['raw:true', 'raw:false']);
    });
  });
});
