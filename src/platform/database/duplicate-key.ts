import { mongo } from 'mongoose';

/**
 * MongoDB's duplicate key error (E11000): a unique index, `_id` most often, already holds the
 * value. Proofgate's insert-if-absent and first-upsert-wins writes read it as "someone else was
 * first", never as a failure.
 */
export const DUPLICATE_KEY = 11000;

/** Whether `error`, a whole command's or one write's of a bulk, is a duplicate key. */
export function isDuplicateKey(error: unknown): boolean {
  if (error instanceof mongo.MongoServerError) return error.code === DUPLICATE_KEY;
  return (error as { code?: unknown } | null)?.code === DUPLICATE_KEY;
}

/**
 * An insert-if-absent's outcome: true once `write` succeeded, false where a unique index refused
 * it (someone else was first). Any other failure is thrown.
 */
export async function firstWriteWins(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}
