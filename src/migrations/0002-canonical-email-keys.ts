import type { mongo } from 'mongoose';
import { normalizeEmail } from '../email/email-address';
import type { Migration, MigrationContext } from '../platform/database/migrations/migration';
import { firstWriteWins } from '../platform/database/duplicate-key';
import { SINGLE_USE_WRITE } from '../platform/database/single-use';

// The names and shapes as they were when this step was written: a migration keeps working on the
// data of its time, whatever later releases rename.
const ACCOUNT_METHODS = 'account_methods';
const ACCOUNTS = 'accounts';
const GRANTS = 'grants';
const SESSIONS = 'sessions';
const EMAIL_PREFIX = 'email:';

interface MethodDocument {
  _id: string;
  type: string;
  sub: string;
  [field: string]: unknown;
}

/**
 * Data version 2: email method keys written with the domain as typed, by builds before addresses
 * were normalised (2026-11-28, before 1.0.0: `email:a@exämple.com`), rewritten to the key every
 * release since looks up first (`email:a@xn--exmple-cua.com`, src/email/email-address.ts). The
 * method's record moves to the new key, and so do the account's list of methods and the live
 * grants' and sessions' `methodKey` (refresh and sign-in checks compare them with that list).
 *
 * Nothing is merged: where the new key is already another account's, the old key stays as it is,
 * with a line naming both subjects for the operator. An address today's rules refuse (a control
 * or format character, a local part that is not ASCII) has no new key and stays as well: its
 * account signs in with its other methods (docs/DEPLOYMENT.md). Safe beside 1.0.0, which looks
 * the new key up first. Idempotent: a run cut short is finished by the next (the new record of
 * the same account found, the rest moved, the old one removed).
 */
export const canonicalEmailKeys: Migration = {
  id: 2,
  name: 'canonical-email-keys',
  description:
    'email method keys stored with a Unicode domain rewritten to their ASCII (punycode) form',
  async up(context: MigrationContext): Promise<void> {
    const methods = context.db.collection<MethodDocument>(ACCOUNT_METHODS);
    const stored = await methods
      .find({ _id: { $regex: `^${EMAIL_PREFIX}` }, type: 'email' })
      .toArray();
    let moved = 0;
    for (const method of stored) {
      const address = method._id.slice(EMAIL_PREFIX.length);
      const normalized = normalizeEmail(address);
      if (!normalized.ok) {
        context.log(
          `Email method ${method._id} of ${method.sub} kept as it is: its address ${normalized.problem}; it signs in no more`,
        );
        continue;
      }
      const key = `${EMAIL_PREFIX}${normalized.address}`;
      if (key === method._id) continue;
      if (await moveMethod(context.db, methods, method, key, context)) moved += 1;
    }
    context.log(`Email method keys rewritten to their ASCII form: ${moved}`);
  },
};

/** Moves one method to `key`; false where `key` is another account's (reported, not merged). */
async function moveMethod(
  db: mongo.Db,
  methods: mongo.Collection<MethodDocument>,
  method: MethodDocument,
  key: string,
  context: MigrationContext,
): Promise<boolean> {
  const { _id: oldKey, ...fields } = method;
  await firstWriteWins(() => methods.insertOne({ ...fields, _id: key }, SINGLE_USE_WRITE));
  const holder = await methods.findOne({ _id: key });
  if (holder?.sub !== method.sub) {
    context.log(
      `Email method ${oldKey} of ${method.sub} not rewritten: its ASCII form ${key} signs in ${holder?.sub ?? 'nobody'} already; nothing merged (remove one with proofgate-admin, then start again)`,
    );
    return false;
  }
  const accounts = db.collection<{ _id: string; methods: string[] }>(ACCOUNTS);
  // An account record lists its methods once it has a second (accounts/persistence): the new
  // key joins the list before the old one leaves it, as the index holds both meanwhile.
  await accounts.updateOne(
    { _id: method.sub, methods: oldKey },
    { $addToSet: { methods: key } },
    SINGLE_USE_WRITE,
  );
  await accounts.updateOne({ _id: method.sub }, { $pull: { methods: oldKey } }, SINGLE_USE_WRITE);
  for (const name of [GRANTS, SESSIONS]) {
    await db
      .collection(name)
      .updateMany(
        { sub: method.sub, methodKey: oldKey },
        { $set: { methodKey: key } },
        SINGLE_USE_WRITE,
      );
  }
  await methods.deleteOne({ _id: oldKey, sub: method.sub }, SINGLE_USE_WRITE);
  return true;
}
