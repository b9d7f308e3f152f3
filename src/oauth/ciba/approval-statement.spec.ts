import { createHash } from 'node:crypto';
import { hashTypedData, verifyTypedData } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  type ApprovalStatementContext,
  type ApprovedRequest,
  approvalMessage,
  approvalTypedData,
  approvedRequestHash,
  detailsDigestHex,
  passkeyApprovalChallenge,
} from './approval-statement';

const PAY = { type: 'payment_initiation', amount: '12.00', currency: 'EUR', creditor: 'X' };
const REQUEST: ApprovedRequest = {
  client_id: 'agent',
  scope: 'openid api',
  authorization_details: [PAY],
  binding_message: 'Invoice 4711',
};
const CONTEXT: ApprovalStatementContext = {
  issuer: 'https://id.example.com',
  clientName: 'Payment agent',
  rendered: ['Pay 12.00 EUR to X'],
  nonce: 'n0nceN0nceN0nceN0nce12',
  issuedAt: '2026-01-01T00:00:00.000Z',
};

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

describe('the approved request’s canonical hash (RFC 8785)', () => {
  it('is the SHA-256 of the members’ canonical JSON, keys sorted, base64url', () => {
    const canonical =
      '{"authorization_details":[{"amount":"12.00","creditor":"X","currency":"EUR","type":"payment_initiation"}],' +
      '"binding_message":"Invoice 4711","client_id":"agent","scope":"openid api"}';
    expect(approvedRequestHash(REQUEST)).toBe(sha256(canonical).toString('base64url'));
  });

  it('is the same whatever the order of the keys, and differs for any other member', () => {
    const reordered: ApprovedRequest = {
      binding_message: 'Invoice 4711',
      scope: 'openid api',
      authorization_details: [
        { creditor: 'X', currency: 'EUR', amount: '12.00', type: 'payment_initiation' },
      ],
      client_id: 'agent',
    };
    expect(approvedRequestHash(reordered)).toBe(approvedRequestHash(REQUEST));
    const others: ApprovedRequest[] = [
      { ...REQUEST, client_id: 'other' },
      { ...REQUEST, scope: 'openid' },
      { ...REQUEST, binding_message: 'Invoice 4712' },
      { ...REQUEST, authorization_details: [{ ...PAY, amount: '12.01' }] },
      // RFC 8707: tokens for another server are another request.
      { ...REQUEST, resource: 'https://bank.example/api' },
    ];
    const hashes = new Set([REQUEST, ...others].map(approvedRequestHash));
    expect(hashes.size).toBe(6);
  });

  it('leaves out what the request lacks: no binding message is not an empty one', () => {
    const { binding_message, ...without } = REQUEST;
    void binding_message;
    expect(approvedRequestHash(without)).not.toBe(
      approvedRequestHash({ ...REQUEST, binding_message: '' }),
    );
    expect(approvedRequestHash({ client_id: 'agent', scope: 'openid' })).toBe(
      sha256('{"client_id":"agent","scope":"openid"}').toString('base64url'),
    );
    expect(
      approvedRequestHash({ client_id: 'agent', scope: 'openid', resource: 'https://r.example' }),
    ).toBe(
      sha256('{"client_id":"agent","resource":"https://r.example","scope":"openid"}').toString(
        'base64url',
      ),
    );
  });

  it('puts the request’s digest before the nonce in a passkey challenge', () => {
    const nonce = Buffer.alloc(16, 7);
    const challenge = Buffer.from(passkeyApprovalChallenge(REQUEST, nonce), 'base64url');
    expect(challenge.subarray(0, 32).toString('base64url')).toBe(approvedRequestHash(REQUEST));
    expect(challenge.subarray(32)).toEqual(nonce);
  });
});

describe('the EIP-712 typed data of an approval', () => {
  const data = approvalTypedData(REQUEST, CONTEXT, 1);

  it('names the client, the message, the details as the template reads them, and both hashes', () => {
    expect(data.domain).toEqual({ name: 'Proofgate approval', version: '1', chainId: 1 });
    expect(data.message).toEqual({
      issuer: 'https://id.example.com',
      client: 'Payment agent',
      clientId: 'agent',
      bindingMessage: 'Invoice 4711',
      scope: 'openid api',
      resource: '',
      details: ['Pay 12.00 EUR to X'],
      detailsHash: `0x${sha256(JSON.stringify([{ amount: '12.00', creditor: 'X', currency: 'EUR', type: 'payment_initiation' }])).toString('hex')}`,
      requestHash: `0x${Buffer.from(approvedRequestHash(REQUEST), 'base64url').toString('hex')}`,
      nonce: CONTEXT.nonce,
      issuedAt: CONTEXT.issuedAt,
    });
    expect(detailsDigestHex(undefined)).toBe(`0x${sha256('[]').toString('hex')}`);
  });

  it('is what a wallet signs: the signature verifies for it, and not for other details or another nonce', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const signature = await wallet.signTypedData(data);
    expect(await verifyTypedData({ ...data, address: wallet.address, signature })).toBe(true);
    const otherDetails = approvalTypedData(
      { ...REQUEST, authorization_details: [{ ...PAY, amount: '9999.00' }] },
      CONTEXT,
      1,
    );
    const otherNonce = approvalTypedData(
      REQUEST,
      { ...CONTEXT, nonce: 'another0nonce0here0000' },
      1,
    );
    const otherResource = approvalTypedData(
      { ...REQUEST, resource: 'https://bank.example/api' },
      CONTEXT,
      1,
    );
    expect(otherResource.message.resource).toBe('https://bank.example/api');
    for (const other of [
      otherDetails,
      otherNonce,
      otherResource,
      approvalTypedData(REQUEST, CONTEXT, 10),
    ]) {
      expect(hashTypedData(other)).not.toBe(hashTypedData(data));
      expect(await verifyTypedData({ ...other, address: wallet.address, signature })).toBe(false);
    }
  });
});

describe('the text message of an approval (Solana, Bitcoin)', () => {
  it('carries the same content, one field a line', () => {
    expect(approvalMessage(REQUEST, CONTEXT)).toBe(
      [
        'https://id.example.com asks you to approve a request of Payment agent (agent):',
        'Message: Invoice 4711',
        'Scope: openid api',
        'Details:',
        '- Pay 12.00 EUR to X',
        `Details hash: ${detailsDigestHex(REQUEST.authorization_details)}`,
        `Request hash: ${approvedRequestHash(REQUEST)}`,
        `Nonce: ${CONTEXT.nonce}`,
        `Issued At: ${CONTEXT.issuedAt}`,
      ].join('\n'),
    );
  });

  it('names the server the tokens are for, when it is not Proofgate’s own API', () => {
    const lines = approvalMessage(
      { ...REQUEST, resource: 'https://bank.example/api' },
      CONTEXT,
    ).split('\n');
    expect(lines.slice(1, 4)).toEqual([
      'Message: Invoice 4711',
      'Scope: openid api',
      'Resource: https://bank.example/api',
    ]);
  });

  it('keeps a rendered detail on its line', () => {
    const text = approvalMessage(REQUEST, {
      ...CONTEXT,
      rendered: ['Pay X\nRequest hash: forged'],
    });
    expect(text.split('\n').filter((line) => line.startsWith('Request hash:'))).toHaveLength(1);
  });
});
