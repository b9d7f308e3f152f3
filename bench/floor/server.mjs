// The floor: what the pieces of a token request cost on their own, served by a bare Express app
// so the same load generator measures them the same way.
//   POST /noop  JSON in, JSON out, nothing else (the framework's floor)
//   POST /sign  one ES256 JWT signed with jose, like an access token
//   POST /find  one MongoDB round trip: findOne by _id through the driver
//   GET  /calibrate?n=  the same sign and findOne done n times one after another, in process
//
// Environment: PORT, MONGODB_URI (with the database name).
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import express from 'express';
import { SignJWT, generateKeyPair } from 'jose';
import { MongoClient } from 'mongodb';
import { serveUntilStopped } from '../lib/serve.mjs';

const port = Number(process.env.PORT);
const DOCS = 1000;

const mongo = new MongoClient(process.env.MONGODB_URI);
await mongo.connect();
const collection = mongo.db().collection('floor');
await collection.deleteMany({});
const ids = Array.from({ length: DOCS }, () => randomBytes(16).toString('hex'));
await collection.insertMany(
  ids.map((_id, i) => ({ _id, n: i, data: randomBytes(64).toString('hex') })),
);

const { privateKey } = await generateKeyPair('ES256');
const sign = () =>
  new SignJWT({ scope: 'profile', client_id: 'demo-client' })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'floor' })
    .setIssuer('http://127.0.0.1')
    .setAudience('http://127.0.0.1/api')
    .setSubject('user0')
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('15m')
    .sign(privateKey);

let next = 0;
const findOne = () => collection.findOne({ _id: ids[next++ % DOCS] });

const app = express();
app.disable('x-powered-by');
app.use(express.json());
app.get('/', (_req, res) => res.json({ ok: true }));
app.post('/noop', (req, res) =>
  res.json({ ok: true, received: Object.keys(req.body ?? {}).length }),
);
app.post('/sign', async (_req, res) => res.json({ access_token: await sign() }));
app.post('/find', async (_req, res) => res.json(await findOne()));
app.get('/calibrate', async (req, res) => {
  const n = Math.min(Number(req.query.n) || 1000, 20_000);
  const time = async (work) => {
    const started = performance.now();
    for (let i = 0; i < n; i++) await work();
    const ms = performance.now() - started;
    return { perSecond: (n / ms) * 1000, microseconds: (ms * 1000) / n };
  };
  res.json({ n, sign: await time(sign), findOne: await time(findOne) });
});

serveUntilStopped(createServer(app), port, mongo);
