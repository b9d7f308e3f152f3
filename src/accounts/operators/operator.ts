/**
 * The operator role (issue #77): an account an operator named with `proofgate-admin operators
 * add` may get the admin API's scopes through the console (`proofgate-console`), when it signed in
 * with a passkey a few minutes before. Granted on the command line only: the bootstrap needs the
 * database, never a token.
 */
export interface Operator {
  /** The account's subject. */
  readonly sub: string;
  readonly grantedAt: Date;
  /** Who granted it, as the audit trail names the command line (`cli:<OS user>`). */
  readonly grantedBy: string;
}

/**
 * The operators: one small collection keyed by the account's subject, so the console's check
 * at /authorize and /token is one read by `_id`, and an account without a record of its own (a
 * password user who never linked) needs none made for it.
 */
export abstract class OperatorRepository {
  /** Grants the role; false when the account held it already (nothing written). */
  abstract add(operator: Operator): Promise<boolean>;

  /** Takes the role away; false when the account did not hold it. */
  abstract remove(sub: string): Promise<boolean>;

  /** Whether `sub` holds the role (one read by `_id`). */
  abstract isOperator(sub: string): Promise<boolean>;

  /** The operators, by subject, at most `limit`, after the subject `after` when given. */
  abstract page(page: { readonly after?: string; readonly limit: number }): Promise<Operator[]>;
}
