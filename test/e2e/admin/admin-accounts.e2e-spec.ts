/**
 * proofgate-admin `accounts`, `passkeys` and `upstream`: an operator lists an account's methods,
 * links and unlinks a wallet, lists and removes a user's passkeys and provider accounts, against
 * the test app's database.
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { adminCli } from '../../support/admin-cli';
import { accountToken } from '../../support/accounts';
import { SoftwareAuthenticator } from '../../../src/lab-client/software-authenticator';
import { TEST_NETWORK } from '@scure/btc-signer';
import { newBitcoinWallet } from '../../../src/lab-client/siwb-scenarios';
import { newSolanaWallet } from '../../support/solana';
import { registerPasskey } from '../../support/passkeys';
import { AccountService } from '../../../src/accounts/account.service';
import { upstreamMethodKey } from '../../../src/accounts/account';
import { useTestApp } from '../../support/use-test-app';

const ISSUER = 'http://localhost:25000';
const OWN_WALLET_REFUSAL =
  'proofgate-admin: This wallet is the account’s own subject and always signs in to it; it is not removed\n';

describe('proofgate-admin accounts and passkeys', () => {
  const t = useTestApp({ ISSUER, RATE_LIMIT_LOGIN_PER_IP: '1000' });

  it('links a wallet, lists the methods, refuses the last unlink and removes a passkey', async () => {
    const wallet = `eip155:1:${privateKeyToAccount(generatePrivateKey()).address}`;

    const linked = await adminCli(t, ['accounts', 'link', '--user', 'user1', '--wallet', wallet]);
    expect(linked).toMatchObject({ code: 0, stdout: `Linked ${wallet} to user1.\n` });
    expect(
      await adminCli(t, ['accounts', 'link', '--user', 'user1', '--wallet', wallet]),
    ).toMatchObject({ code: 0, stdout: `Already linked: ${wallet} to user1.\n` });
    const again = await adminCli(t, ['accounts', 'link', '--user', 'user0', '--wallet', wallet]);
    expect(again).toMatchObject({
      code: 1,
      stderr: 'proofgate-admin: This wallet is already linked to another account\n',
    });

    // A passkey, registered through the API.
    const token = await accountToken(t, 'user1');
    const authenticator = new SoftwareAuthenticator({ rpId: 'localhost', origin: ISSUER });
    await registerPasskey(t, token, authenticator);

    const methods = await adminCli(t, ['--json', 'accounts', 'methods', '--user', 'user1']);
    expect(methods.code).toBe(0);
    expect(JSON.parse(methods.stdout)).toEqual([
      expect.objectContaining({ method: 'password:user1', type: 'password' }),
      expect.objectContaining({ method: wallet, type: 'wallet' }),
      expect.objectContaining({
        method: `passkey:${authenticator.id}`,
        type: 'passkey',
        device_type: 'singleDevice',
        counter: 0,
      }),
    ]);
    const passkeys = await adminCli(t, ['passkeys', 'list', '--user', 'user1']);
    expect(passkeys.stdout).toContain(authenticator.id);

    const removed = await adminCli(t, [
      'passkeys',
      'remove',
      '--user',
      'user1',
      '--credential',
      authenticator.id,
    ]);
    expect(removed).toMatchObject({ code: 0 });
    const unlinked = await adminCli(t, [
      'accounts',
      'unlink',
      '--user',
      'user1',
      '--method',
      wallet,
    ]);
    expect(unlinked).toMatchObject({ code: 0, stdout: `Removed ${wallet} from user1.\n` });
    const last = await adminCli(t, [
      'accounts',
      'unlink',
      '--user',
      'user1',
      '--method',
      'password:user1',
    ]);
    expect(last).toMatchObject({
      code: 1,
      stderr: 'proofgate-admin: An account keeps at least one sign-in method\n',
    });
    const lastWallet = await adminCli(t, [
      'accounts',
      'unlink',
      '--user',
      wallet,
      '--method',
      wallet,
    ]);
    expect(lastWallet).toMatchObject({ code: 1, stderr: OWN_WALLET_REFUSAL });
    const bad = await adminCli(t, ['accounts', 'link', '--user', 'user1', '--wallet', 'nope']);
    expect(bad.code).toBe(2);
  });

  describe('accounts link checks what it links (no signature vouches for it)', () => {
    const link = (user: string, wallet: string) =>
      adminCli(t, ['accounts', 'link', '--user', user, '--wallet', wallet]);
    const MAINNET = 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp';

    it('normalises a lower-case address to its EIP-55 form', async () => {
      const address = privateKeyToAccount(generatePrivateKey()).address;

      const linked = await link('user0', `eip155:1:${address.toLowerCase()}`);

      expect(linked).toMatchObject({ code: 0, stdout: `Linked eip155:1:${address} to user0.\n` });
      const methods = await adminCli(t, ['--json', 'accounts', 'methods', '--user', 'user0']);
      expect(JSON.parse(methods.stdout)).toContainEqual(
        expect.objectContaining({ method: `eip155:1:${address}`, type: 'wallet' }),
      );
    });

    it('refuses a mixed-case address whose EIP-55 checksum is wrong (a typo)', async () => {
      const address = privateKeyToAccount(generatePrivateKey()).address;
      // One letter's case flipped: still mixed case, no longer the checksum.
      const index = [...address].findIndex((char, i) => i > 1 && /[a-fA-F]/.test(char));
      const flipped =
        address.slice(0, index) +
        (address[index] === address[index].toLowerCase()
          ? address[index].toUpperCase()
          : address[index].toLowerCase()) +
        address.slice(index + 1);

      expect(await link('user0', `eip155:1:${flipped}`)).toMatchObject({
        code: 1,
        stderr: `proofgate-admin: ${flipped} has an invalid EIP-55 checksum (a typo?): write it all lower case or with its checksum\n`,
        stdout: '',
      });
    });

    it('refuses a chain the service does not accept (SIWE_CHAIN_IDS, SIWS_CHAINS)', async () => {
      const address = privateKeyToAccount(generatePrivateKey()).address;
      expect(await link('user0', `eip155:137:${address}`)).toMatchObject({
        code: 1,
        stderr:
          'proofgate-admin: chain eip155:137 is not one the service accepts (SIWE_CHAIN_IDS: 1)\n',
      });
      const devnet = `solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1:${newSolanaWallet().address}`;
      expect(await link('user0', devnet)).toMatchObject({
        code: 1,
        stderr: `proofgate-admin: chain solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1 is not one the service accepts (SIWS_CHAINS: ${MAINNET})\n`,
      });
    });

    it('links a Solana wallet only when its address is a base58 32-byte key', async () => {
      const wallet = newSolanaWallet();
      expect(await link('user1', `${MAINNET}:${wallet.address}`)).toMatchObject({
        code: 0,
        stdout: `Linked ${MAINNET}:${wallet.address} to user1.\n`,
      });
      // 33 bytes in base58 (the characters are all valid; the length is not).
      const tooLong = `${MAINNET}:${'z'.repeat(44)}`;
      expect(await link('user1', tooLong)).toMatchObject({
        code: 1,
        stderr: `proofgate-admin: ${'z'.repeat(44)} is not a Solana address (a base58 32-byte key)\n`,
      });
      // 24 bytes.
      expect(await link('user1', `${MAINNET}:${'z'.repeat(32)}`)).toMatchObject({
        code: 1,
        stderr: `proofgate-admin: ${'z'.repeat(32)} is not a Solana address (a base58 32-byte key)\n`,
      });
    });

    it('links a Bitcoin wallet only with an address of an accepted network', async () => {
      const BITCOIN = 'bip122:000000000019d6689c085ae165831e93';
      const address = newBitcoinWallet('p2tr').address;
      expect(await link('user1', `${BITCOIN}:${address}`)).toMatchObject({
        code: 0,
        stdout: `Linked ${BITCOIN}:${address} to user1.\n`,
      });
      expect(await link('user1', `${BITCOIN}:${address.toUpperCase()}`)).toMatchObject({
        code: 1,
        stderr: `proofgate-admin: ${address.toUpperCase()} is not a Bitcoin address of ${BITCOIN} that signs in (P2PKH, P2SH-P2WPKH, P2WPKH or P2TR; bech32 in lower case)\n`,
      });
      const testnet = newBitcoinWallet('p2wpkh', TEST_NETWORK).address;
      expect(await link('user1', `${BITCOIN}:${testnet}`)).toMatchObject({ code: 1 });
      expect(
        await link('user1', `bip122:000000000933ea01ad0ee984209779ba:${testnet}`),
      ).toMatchObject({
        code: 1,
        stderr: `proofgate-admin: chain bip122:000000000933ea01ad0ee984209779ba is not one the service accepts (SIWB_CHAINS: ${BITCOIN})\n`,
      });
    });

    it('refuses an account that does not exist, and links to the account a wallet signs in', async () => {
      const wallet = `eip155:1:${privateKeyToAccount(generatePrivateKey()).address}`;
      expect(await link('nobody', wallet)).toMatchObject({
        code: 1,
        stderr: 'proofgate-admin: no user or account nobody\n',
      });
      expect(await link('passkey:AAAA', wallet)).toMatchObject({
        code: 1,
        stderr: 'proofgate-admin: no account has the sign-in method passkey:AAAA\n',
      });
      // Still nobody's: no account came of the refused link.
      expect(
        await adminCli(t, ['--json', 'accounts', 'methods', '--user', 'nobody']),
      ).toMatchObject({ code: 1, stderr: 'proofgate-admin: no user or account nobody\n' });
      expect(
        await t.connection.collection('account_methods').countDocuments({ _id: wallet as never }),
      ).toBe(0);

      // A wallet linked to user1 names user1's account.
      const linked = `eip155:1:${privateKeyToAccount(generatePrivateKey()).address}`;
      expect(await link('user1', linked)).toMatchObject({ code: 0 });
      expect(await link(linked, wallet)).toMatchObject({
        code: 0,
        stdout: `Linked ${wallet} to user1.\n`,
      });
    });
  });

  it('lists and removes an account’s provider accounts (upstream list, upstream remove)', async () => {
    const accounts = t.app.get(AccountService);
    await accounts.linkUpstream('user0', upstreamMethodKey('github', '583231'), 'operator', {
      email: 'octocat@github.com',
    });
    await accounts.linkUpstream('user0', upstreamMethodKey('google', '1101'), 'operator', {});

    const listed = await adminCli(t, ['upstream', 'list', '--user', 'user0']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^PROVIDER +SUBJECT +EMAIL +ADDED\n/);
    expect(listed.stdout).toMatch(/\ngithub +583231 +octocat@github\.com +\d{4}-/);
    expect(listed.stdout).toMatch(/\ngoogle +1101 +- +\d{4}-/);
    // An account nobody has is said to be so, not listed as one without provider accounts.
    for (const group of ['upstream', 'passkeys']) {
      expect(await adminCli(t, [group, 'list', '--user', 'nobody'])).toMatchObject({
        code: 1,
        stderr: 'proofgate-admin: no user or account nobody\n',
      });
    }
    const json = await adminCli(t, ['--json', 'upstream', 'list', '--user', 'user0']);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({
        method: 'upstream:github:583231',
        type: 'upstream',
        provider: 'github',
        subject: '583231',
        email: 'octocat@github.com',
      }),
      expect.objectContaining({ method: 'upstream:google:1101', provider: 'google' }),
    ]);

    const remove = (user: string, provider: string, subject: string) =>
      adminCli(t, [
        'upstream',
        'remove',
        '--user',
        user,
        '--provider',
        provider,
        '--subject',
        subject,
      ]);
    const removed = await remove('user0', 'github', '583231');
    expect(removed).toMatchObject({
      code: 0,
      stdout: 'Removed upstream:github:583231 from user0.\n',
    });
    expect(await accounts.findMethod('upstream:github:583231')).toBeNull();
    const unknown = await remove('user0', 'github', '583231');
    expect(unknown).toMatchObject({
      code: 1,
      stderr: 'proofgate-admin: The account has no such sign-in method\n',
    });

    // The provider account an account was created by is its subject: never removed.
    const own = upstreamMethodKey('github', '42');
    await accounts.linkUpstream(own, own, 'operator', {});
    await accounts.linkUpstream(own, upstreamMethodKey('google', '42'), 'operator', {});
    const refused = await remove(own, 'github', '42');
    expect(refused).toMatchObject({
      code: 1,
      stderr:
        'proofgate-admin: This provider account is the account’s own subject and always signs in to it; it is not removed\n',
    });
  });

  it('never unlinks the wallet a wallet account is, even beside other methods', async () => {
    // Its listing is what keeps another account from linking it while it still signs in here.
    const own = `eip155:1:${privateKeyToAccount(generatePrivateKey()).address}`;
    const other = `eip155:1:${privateKeyToAccount(generatePrivateKey()).address}`;
    const linked = await adminCli(t, ['accounts', 'link', '--user', own, '--wallet', other]);
    expect(linked).toMatchObject({ code: 0 });

    const refused = await adminCli(t, ['accounts', 'unlink', '--user', own, '--method', own]);
    expect(refused).toMatchObject({ code: 1, stderr: OWN_WALLET_REFUSAL });
    const taken = await adminCli(t, ['accounts', 'link', '--user', 'user0', '--wallet', own]);
    expect(taken).toMatchObject({
      code: 1,
      stderr: 'proofgate-admin: This wallet is already linked to another account\n',
    });
    const listed = await adminCli(t, ['accounts', 'methods', '--user', own]);
    expect(listed.stdout).toContain(own);

    const removed = await adminCli(t, ['accounts', 'unlink', '--user', own, '--method', other]);
    expect(removed).toMatchObject({ code: 0, stdout: `Removed ${other} from ${own}.\n` });
  });
});
