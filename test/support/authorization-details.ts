/**
 * An operator's RFC 9396 type as AUTHORIZATION_DETAILS_TYPES declares it (a JSON Schema and a
 * template), and a detail of it whose creditor a page must escape: what the RAR and CIBA specs ask
 * for.
 */
export const PAYMENT_INITIATION = {
  schema: {
    type: 'object',
    required: ['type', 'amount', 'currency', 'creditor'],
    properties: {
      type: { const: 'payment_initiation' },
      amount: { type: 'string', pattern: '^[0-9]{1,9}\\.[0-9]{2}$' },
      currency: { enum: ['EUR', 'USD'] },
      creditor: { type: 'string', maxLength: 100 },
    },
    additionalProperties: false,
  },
  template: 'Pay {{amount}} {{currency}} to {{creditor}}',
};

/** 12 EUR to `X <Shop>`, rendered `Pay 12.00 EUR to X <Shop>`. */
export const PAY_12 = {
  type: 'payment_initiation',
  amount: '12.00',
  currency: 'EUR',
  creditor: 'X <Shop>',
};
