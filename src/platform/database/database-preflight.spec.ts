import { databaseAddress } from './database-preflight';

describe('databaseAddress', () => {
  it.each([
    ['mongodb://127.0.0.1:27017/proofgate', '127.0.0.1:27017'],
    ['mongodb://db.internal/proofgate?tls=true', 'db.internal:27017'],
    ['mongodb://user:p%40ss@a:1,b:2/proofgate?replicaSet=rs', 'a:1,b:2'],
    ['mongodb+srv://user:secret@cluster0.example.net/proofgate', 'cluster0.example.net'],
  ])('prints %s as %s, never the credentials', (uri, address) => {
    expect(databaseAddress(uri)).toBe(address);
  });
});
