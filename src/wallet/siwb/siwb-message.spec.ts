import {
  SiwbFields,
  buildSiwbMessage,
  claimedBitcoinAddress,
  isSiwbMessage,
  parseSiwbMessage,
} from './siwb-message';

const ADDRESS = 'bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l';

function fields(overrides: Partial<SiwbFields> = {}): SiwbFields {
  return {
    domain: 'app.example.com',
    address: ADDRESS,
    statement: 'Sign in to Proofgate',
    uri: 'https://app.example.com',
    version: '1',
    chainId: 'bip122:000000000019d6689c085ae165831e93',
    nonce: 'k2v8Qw3ZpL9xT4mN7bR1cY',
    issuedAt: '2026-03-01T12:00:00.000Z',
    ...overrides,
  };
}

describe('Sign in with Bitcoin messages', () => {
  it('are the CAIP-122 lines issue #33 gives, and read back to the same fields', () => {
    const text = buildSiwbMessage(fields());
    expect(text).toBe(
      [
        'app.example.com wants you to sign in with your Bitcoin account:',
        ADDRESS,
        '',
        'Sign in to Proofgate',
        '',
        'URI: https://app.example.com',
        'Version: 1',
        'Chain ID: bip122:000000000019d6689c085ae165831e93',
        'Nonce: k2v8Qw3ZpL9xT4mN7bR1cY',
        'Issued At: 2026-03-01T12:00:00.000Z',
      ].join('\n'),
    );
    expect(parseSiwbMessage(text)).toEqual(fields());
    expect(isSiwbMessage(text)).toBe(true);
    expect(claimedBitcoinAddress(text)).toBe(ADDRESS);
  });

  it('carry every address type exactly as sent', () => {
    for (const address of [
      '1F3sAm6ZtwLAUnj7d38pGFxtP3RVEvtsbV',
      '3HSVzEhCFuH9Z3wvoWTexy7BMVVp3PjS6f',
      'bc1ppv609nr0vr25u07u95waq5lucwfm6tde4nydujnu8npg4q75mr5sxq8lt3',
      'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx',
    ]) {
      const text = buildSiwbMessage(fields({ address }));
      expect(text.split('\n')[1]).toBe(address);
      expect(parseSiwbMessage(text).address).toBe(address);
    }
  });

  it('are told from EIP-4361 and Solana messages by their first line', () => {
    expect(isSiwbMessage('a.com wants you to sign in with your Ethereum account:\n0x00')).toBe(
      false,
    );
    expect(isSiwbMessage('a.com wants you to sign in with your Solana account:\nabc')).toBe(false);
    expect(isSiwbMessage('a.com wants you to sign in with your Bitcoin account:')).toBe(false);
    expect(
      isSiwbMessage(`${'x'.repeat(700)} wants you to sign in with your Bitcoin account:\n`),
    ).toBe(false);
  });

  it.each([
    [
      'a multi-line statement',
      (t: string) => t.replace('Sign in to Proofgate', 'Sign in\nto Proofgate'),
      'the statement must be one line, followed by a blank line',
    ],
    [
      'no blank line before the fields',
      (t: string) => t.replace('Sign in to Proofgate\n\n', 'Sign in to Proofgate\n'),
      'the statement must be one line, followed by a blank line',
    ],
    [
      'no blank line after the address',
      (t: string) => t.replace(`${ADDRESS}\n\n`, `${ADDRESS}\n`),
      'a blank line must follow the address',
    ],
    [
      'a line after the issue time',
      (t: string) => `${t}\nExpiration Time: 2099-01-01T00:00:00.000Z`,
      'nothing may follow the issue time',
    ],
    ['a trailing newline', (t: string) => `${t}\n`, 'nothing may follow the issue time'],
    [
      'no issue time',
      (t: string) => t.slice(0, t.lastIndexOf('\n')),
      'line 10 must be "Issued At: <value>"',
    ],
    [
      'fields out of order',
      (t: string) => t.replace(/Version: 1\nChain ID: (\S+)/, 'Chain ID: $1\nVersion: 1'),
      'line 7 must be "Version: <value>"',
    ],
    [
      'an empty nonce',
      (t: string) => t.replace(/Nonce: \S+/, 'Nonce: '),
      'line 9 must be "Nonce: <value>"',
    ],
    [
      'a hex address',
      (t: string) => t.replace(ADDRESS, `0x${'ab'.repeat(20)}`),
      'the second line must be a Bitcoin address',
    ],
    [
      'an upper-case bech32 address',
      (t: string) => t.replace(ADDRESS, ADDRESS.toUpperCase()),
      'the second line must be a Bitcoin address',
    ],
    [
      'another chain family',
      (t: string) => t.replace('Bitcoin account', 'Ethereum account'),
      'the first line must be',
    ],
    ['CRLF line ends', (t: string) => t.replace(/\n/g, '\r\n'), 'the first line must be'],
  ])('refuse %s', (_name, edit, reason) => {
    expect(() => parseSiwbMessage(edit(buildSiwbMessage(fields())))).toThrow(reason);
  });

  it('refuse a message over 4 KiB before reading it', () => {
    expect(() => parseSiwbMessage('x'.repeat(4097))).toThrow('longer than 4096 bytes');
  });

  it('name no address for the rate limits when the second line is none', () => {
    const text = buildSiwbMessage(fields()).replace(ADDRESS, 'not-an-address');
    expect(claimedBitcoinAddress(text)).toBeUndefined();
  });
});
