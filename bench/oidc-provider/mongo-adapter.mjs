// A MongoDB storage adapter for oidc-provider, written for the benchmark against the adapter
// interface oidc-provider documents (upsert, find, findByUid, findByUserCode, consume, destroy,
// revokeByGrantId). One collection per model; each document is { _id, payload, expiresAt }.
// expiresAt carries a TTL index, as a production deployment would have; because the dev
// database never runs its TTL monitor, find() also checks it, in the same single query.

/** Models whose records reference a grant and are revoked with it. */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/** 'AuthorizationCode' -> 'authorization_code'. */
function collectionName(model) {
  return model.replace(/(?<=[a-z0-9])([A-Z])/g, '_$1').toLowerCase();
}

const notExpired = () => ({
  $or: [{ expiresAt: { $exists: false } }, { expiresAt: { $gt: new Date() } }],
});

/** Creates the indexes every model needs; call once at startup, before serving. */
export async function createIndexes(db, models) {
  for (const model of models) {
    const collection = db.collection(collectionName(model));
    await collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    if (GRANTABLE.has(model)) await collection.createIndex({ 'payload.grantId': 1 });
    if (model === 'Session') await collection.createIndex({ 'payload.uid': 1 }, { unique: true });
    if (model === 'DeviceCode') {
      await collection.createIndex({ 'payload.userCode': 1 }, { unique: true });
    }
  }
}

/** Returns the class oidc-provider instantiates once per model (`new Adapter('Session')`). */
export function mongoAdapter(db) {
  return class MongoAdapter {
    constructor(model) {
      this.model = model;
      this.collection = db.collection(collectionName(model));
    }

    async upsert(id, payload, expiresIn) {
      const set = { payload };
      if (expiresIn) set.expiresAt = new Date(Date.now() + expiresIn * 1000);
      await this.collection.updateOne({ _id: id }, { $set: set }, { upsert: true });
    }

    async find(id) {
      const doc = await this.collection.findOne(
        { _id: id, ...notExpired() },
        { projection: { payload: 1 } },
      );
      return doc?.payload;
    }

    async findByUid(uid) {
      const doc = await this.collection.findOne(
        { 'payload.uid': uid, ...notExpired() },
        { projection: { payload: 1 } },
      );
      return doc?.payload;
    }

    async findByUserCode(userCode) {
      const doc = await this.collection.findOne(
        { 'payload.userCode': userCode, ...notExpired() },
        { projection: { payload: 1 } },
      );
      return doc?.payload;
    }

    async consume(id) {
      await this.collection.updateOne(
        { _id: id },
        { $set: { 'payload.consumed': Math.floor(Date.now() / 1000) } },
      );
    }

    async destroy(id) {
      await this.collection.deleteOne({ _id: id });
    }

    async revokeByGrantId(grantId) {
      await this.collection.deleteMany({ 'payload.grantId': grantId });
    }
  };
}

export const MODELS = [
  'Session',
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'ClientCredentials',
  'Client',
  'InitialAccessToken',
  'RegistrationAccessToken',
  'Interaction',
  'ReplayDetection',
  'PushedAuthorizationRequest',
  'Grant',
  'BackchannelAuthenticationRequest',
];
