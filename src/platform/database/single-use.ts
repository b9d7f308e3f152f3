/**
 * Options for operations on single-use state (challenge redemption, refresh rotation, grant
 * revocation). On a replica set a write acknowledged by the primary alone can be rolled back by a
 * failover, after which the same code could be redeemed again on the new primary; `majority`
 * makes an acknowledged redemption survive any election. Reads that decide single-use state come
 * from the primary: a secondary may not have seen the redemption yet.
 */
export const SINGLE_USE_WRITE = { writeConcern: { w: 'majority' as const } };
export const SINGLE_USE_READ = { readPreference: 'primary' as const };
