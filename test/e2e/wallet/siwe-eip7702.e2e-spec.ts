/**
 * Issue #33, item 5: EIP-7702 delegated accounts. An EOA that delegated has code on chain,
 * `0xef0100 ‖ delegate`, and its isValidSignature (ERC-1271) runs the delegate's code at the
 * account's address. The verifier keeps ECDSA recovery first (the account key's own signature
 * never costs an RPC call), then asks the chain (ERC-1271 / ERC-6492 through the universal
 * validator, ERC-8010 pre-delegated signatures through viem). Against a real JSON-RPC server on
 * 127.0.0.1, reached through SIWE_RPC_URLS like an operator's node.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from '../../support/loopback-server';
import {
  type Address,
  type Hex,
  concatHex,
  decodeAbiParameters,
  decodeFunctionData,
  deploylessCallViaBytecodeBytecode,
  encodeFunctionResult,
  erc6492SignatureValidatorByteCode,
  hexToNumber,
  isAddressEqual,
  multicall3Abi,
  parseAbi,
  recoverAddress,
  serializeErc8010Signature,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { recoverAuthorizationAddress } from 'viem/utils';
import { validatorCallOf } from '../../support/erc6492-validator';
import { TestApp, createTestApp } from '../../support/test-app';
import { getMe } from '../../support/oauth';
import { expectRefusal } from '../../support/refusal';

const erc1271Abi = parseAbi([
  'function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)',
]);
const ERC1271_MAGIC = '0x1626ba7e';

interface RpcTransaction {
  to?: Address;
  data: Hex;
  authorizationList?: {
    address: Address;
    chainId: Hex;
    nonce: Hex;
    r: Hex;
    s: Hex;
    yParity: Hex;
  }[];
}

/**
 * A chain 1 node with EIP-7702 semantics, enough for signature checks: `eth_getCode` of a
 * delegated account is its designator; the deployless ERC-6492 validator asks isValidSignature
 * of any address with code and ecrecovers otherwise, as the real one does; `eth_call` to an
 * account runs its delegate; a deployless Multicall3 call applies the authorizations it carries
 * whose signer is the account (the node checks that, not the caller). Every delegate here is a
 * session-key contract: it accepts signatures by the key registered for the account.
 */
class Eip7702Node {
  /** Each request, as `method` or `eth_call:<what it was>`. */
  readonly requests: string[] = [];
  /** The accounts whose isValidSignature ran. */
  readonly asked: Address[] = [];
  failEthCall = false;
  private readonly delegations = new Map<string, Address>();
  private readonly sessionKeys = new Map<string, Address>();
  private readonly server: Server = createServer((req, res) => this.handle(req, res));

  delegate(account: Address, delegate: Address): void {
    this.delegations.set(account.toLowerCase(), delegate);
  }

  grantSessionKey(account: Address, sessionKey: Address): void {
    this.sessionKeys.set(account.toLowerCase(), sessionKey);
  }

  async listen(): Promise<string> {
    return `${await listenOnLoopback(this.server)}/rpc`;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const rpc = JSON.parse(body) as { id: number; method: string; params: unknown[] };
      if (rpc.method === 'eth_call' && this.failEthCall) {
        this.requests.push('eth_call:failed');
        res.statusCode = 502;
        res.end('bad gateway');
        return;
      }
      this.answer(rpc).then(
        (result) => this.reply(res, { jsonrpc: '2.0', id: rpc.id, result }),
        (error: Error) =>
          this.reply(res, {
            jsonrpc: '2.0',
            id: rpc.id,
            error: { code: -32601, message: error.message },
          }),
      );
    });
  }

  private reply(res: ServerResponse, payload: object): void {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(payload));
  }

  private async answer(rpc: { method: string; params: unknown[] }): Promise<Hex> {
    if (rpc.method === 'eth_getCode') {
      this.requests.push('eth_getCode');
      const delegate = this.delegations.get((rpc.params[0] as Address).toLowerCase());
      return delegate === undefined ? '0x' : concatHex(['0xef0100', delegate]);
    }
    if (rpc.method !== 'eth_call') throw new Error(`unexpected RPC method ${rpc.method}`);
    const [tx] = rpc.params as [RpcTransaction];
    if (tx.to === undefined && tx.data.startsWith(erc6492SignatureValidatorByteCode)) {
      this.requests.push('eth_call:erc6492-validator');
      const { signer, hash, signature } = validatorCallOf(rpc);
      if (this.delegations.has(signer.toLowerCase())) {
        return (await this.isValidSignature(signer, hash, signature, this.delegations))
          ? '0x01'
          : '0x00';
      }
      const recovered = await recoverAddress({ hash, signature }).catch(() => undefined);
      return recovered !== undefined && isAddressEqual(recovered, signer) ? '0x01' : '0x00';
    }
    if (tx.to !== undefined) {
      this.requests.push('eth_call:isValidSignature');
      const { args } = decodeFunctionData({ abi: erc1271Abi, data: tx.data });
      return this.erc1271Result(
        await this.isValidSignature(tx.to, args[0], args[1], this.delegations),
      );
    }
    if (tx.data.startsWith(deploylessCallViaBytecodeBytecode)) {
      this.requests.push('eth_call:multicall-with-authorization');
      return this.multicallWithAuthorizations(tx);
    }
    throw new Error('unexpected eth_call');
  }

  /** EIP-7702: an authorization applies when its own signer is the account it delegates. */
  private async multicallWithAuthorizations(tx: RpcTransaction): Promise<Hex> {
    const delegations = new Map(this.delegations);
    for (const auth of tx.authorizationList ?? []) {
      const authority = await recoverAuthorizationAddress({
        authorization: {
          address: auth.address,
          chainId: hexToNumber(auth.chainId),
          nonce: hexToNumber(auth.nonce),
          r: auth.r,
          s: auth.s,
          yParity: hexToNumber(auth.yParity),
        },
      });
      if ([0, 1].includes(hexToNumber(auth.chainId))) {
        delegations.set(authority.toLowerCase(), auth.address);
      }
    }
    const [, callData] = decodeAbiParameters(
      [{ type: 'bytes' }, { type: 'bytes' }],
      `0x${tx.data.slice(deploylessCallViaBytecodeBytecode.length)}`,
    );
    const { args } = decodeFunctionData({ abi: multicall3Abi, data: callData });
    if (args === undefined || !Array.isArray(args[0])) throw new Error('not aggregate3');
    const calls = args[0] as readonly { target: Address; callData: Hex }[];
    const results = await Promise.all(
      calls.map(
        async ({ target, callData: data }): Promise<{ success: boolean; returnData: Hex }> => {
          if (!data.startsWith('0x1626ba7e')) return { success: true, returnData: '0x' };
          const call = decodeFunctionData({ abi: erc1271Abi, data });
          const valid = await this.isValidSignature(
            target,
            call.args[0],
            call.args[1],
            delegations,
          );
          return { success: true, returnData: this.erc1271Result(valid) };
        },
      ),
    );
    return encodeFunctionResult({
      abi: multicall3Abi,
      functionName: 'aggregate3',
      result: results,
    });
  }

  /** isValidSignature at `account`: the delegate's code, a session-key check; no code, no answer. */
  private async isValidSignature(
    account: Address,
    hash: Hex,
    signature: Hex,
    delegations: ReadonlyMap<string, Address>,
  ): Promise<boolean> {
    if (!delegations.has(account.toLowerCase())) return false;
    this.asked.push(account);
    const sessionKey = this.sessionKeys.get(account.toLowerCase());
    const recovered = await recoverAddress({ hash, signature }).catch(() => undefined);
    return (
      sessionKey !== undefined && recovered !== undefined && isAddressEqual(recovered, sessionKey)
    );
  }

  private erc1271Result(valid: boolean): Hex {
    return encodeFunctionResult({
      abi: erc1271Abi,
      functionName: 'isValidSignature',
      result: valid ? ERC1271_MAGIC : '0xffffffff',
    });
  }
}

/** A delegate contract's address (its code lives only in the stub node). */
const SESSION_KEY_DELEGATE: Address = '0x00000000000000000000000000000000000d7702';

describe('EIP-7702 delegated accounts at POST /wallet/verify (eth_getCode answers 0xef0100 ‖ delegate)', () => {
  const node = new Eip7702Node();
  let t: TestApp;

  beforeAll(async () => {
    const url = await node.listen();
    t = await createTestApp({
      SIWE_URI: 'https://app.example.com',
      SIWE_CHAIN_IDS: '1',
      SIWE_RPC_URLS: `1=${url}`,
      RATE_LIMIT_WALLET_PER_IP: '100000',
      RATE_LIMIT_WALLET_PER_ADDRESS: '100000',
      RATE_LIMIT_WALLET_RPC_PER_IP: '100000',
    });
  });
  afterAll(async () => {
    await t.close();
    await node.close();
  });
  beforeEach(() => {
    node.requests.length = 0;
    node.asked.length = 0;
    node.failEthCall = false;
  });

  /** A fresh EOA key, its account delegated on chain to the session-key delegate (or not yet). */
  function delegatedAccount({ onChain = true } = {}) {
    const owner = privateKeyToAccount(generatePrivateKey());
    const sessionKey = privateKeyToAccount(generatePrivateKey());
    if (onChain) node.delegate(owner.address, SESSION_KEY_DELEGATE);
    node.grantSessionKey(owner.address, sessionKey.address);
    return { owner, sessionKey };
  }

  async function issuedMessage(address: Address): Promise<string> {
    const res = await t.http().post('/wallet/nonce').send({ address, chainId: 1 }).expect(201);
    return res.body.message as string;
  }

  const verify = (message: string, signature: Hex) =>
    t.http().post('/wallet/verify').send({ message, signature });

  async function subjectOf(res: { body: { access_token: string } }): Promise<string> {
    const me = await getMe(t, res.body.access_token).expect(200);
    return me.body.sub as string;
  }

  it("accepts the account key's own signature without any RPC call, though the account has code", async () => {
    const { owner } = delegatedAccount();
    const message = await issuedMessage(owner.address);

    const res = await verify(message, await owner.signMessage({ message })).expect(200);

    expect(node.requests).toEqual([]);
    expect(await subjectOf(res)).toBe(`eip155:1:${owner.address}`);
  });

  it("refuses another key's signature with 401 invalid_signature, once the account's code (its delegate) said no", async () => {
    const { owner } = delegatedAccount();
    const message = await issuedMessage(owner.address);
    const stranger = privateKeyToAccount(generatePrivateKey());

    const res = await verify(message, await stranger.signMessage({ message }));

    expectRefusal(
      res,
      401,
      'invalid_signature',
      'The signature is not valid for the message address',
    );
    // EIP-7702: isValidSignature at the account's address runs the delegate's code: the account
    // itself is asked, never the delegate's own address.
    expect(node.requests).toEqual(['eth_call:erc6492-validator']);
    expect(node.asked).toEqual([owner.address]);
  });

  it("accepts a delegate's session key: what the account's code accepts (ERC-1271) is the owner's choice", async () => {
    const { owner, sessionKey } = delegatedAccount();
    const message = await issuedMessage(owner.address);

    const res = await verify(message, await sessionKey.signMessage({ message })).expect(200);

    expect(node.asked).toEqual([owner.address]);
    expect(await subjectOf(res)).toBe(`eip155:1:${owner.address}`);
  });

  describe('ERC-8010 pre-delegated signatures (the authorization travels with the signature)', () => {
    async function preDelegated(
      owner: ReturnType<typeof privateKeyToAccount>,
      inner: Hex,
      authorizer = owner,
    ): Promise<Hex> {
      const authorization = await authorizer.signAuthorization({
        address: SESSION_KEY_DELEGATE,
        chainId: 1,
        nonce: 0,
      });
      return serializeErc8010Signature({ authorization, signature: inner });
    }

    it("accepts one for an account not delegated yet: the account key signed the authorization, the delegate's code judges", async () => {
      const { owner, sessionKey } = delegatedAccount({ onChain: false });
      const message = await issuedMessage(owner.address);
      const signature = await preDelegated(owner, await sessionKey.signMessage({ message }));

      const res = await verify(message, signature).expect(200);

      expect(node.requests).toEqual(['eth_getCode', 'eth_call:multicall-with-authorization']);
      expect(node.asked).toEqual([owner.address]);
      expect(await subjectOf(res)).toBe(`eip155:1:${owner.address}`);
    });

    it('refuses one whose authorization another key signed, with no eth_call spent on it', async () => {
      const { owner, sessionKey } = delegatedAccount({ onChain: false });
      const message = await issuedMessage(owner.address);
      const signature = await preDelegated(
        owner,
        await sessionKey.signMessage({ message }),
        privateKeyToAccount(generatePrivateKey()),
      );

      const res = await verify(message, signature).expect(401);

      expect(res.body.error).toBe('invalid_signature');
      expect(node.requests).toEqual(['eth_getCode']);
    });

    it('checks one for an account already delegated to that contract as ERC-1271 at the account', async () => {
      const { owner, sessionKey } = delegatedAccount();
      const message = await issuedMessage(owner.address);
      const signature = await preDelegated(owner, await sessionKey.signMessage({ message }));

      await verify(message, signature).expect(200);

      expect(node.requests).toEqual(['eth_getCode', 'eth_call:isValidSignature']);
      expect(node.asked).toEqual([owner.address]);
    });

    it('answers 503 temporarily_unavailable, not invalid_signature, when the node fails the call', async () => {
      const { owner, sessionKey } = delegatedAccount();
      const message = await issuedMessage(owner.address);
      const signature = await preDelegated(owner, await sessionKey.signMessage({ message }));
      node.failEthCall = true;

      const res = await verify(message, signature);

      expect({ status: res.status, error: res.body.error }).toEqual({
        status: 503,
        error: 'temporarily_unavailable',
      });
      expect(node.requests).toEqual(['eth_getCode', 'eth_call:failed']);
    });
  });
});
