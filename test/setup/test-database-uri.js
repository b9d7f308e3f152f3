'use strict';

/**
 * Puts `name` into a MongoDB URI as its database, keeping hosts and options. Refuses a name
 * without "test" so that a test run can never touch a real database by accident.
 */
function testDatabaseUri(baseUri, name) {
  if (!baseUri) throw new Error('No test database: run the tests through `npm test`');
  if (!/test/i.test(name)) throw new Error(`Refusing to use "${name}" as a test database`);
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(baseUri);
  if (!match) throw new Error('MONGODB_URI is not a mongodb:// URI');
  return `${match[1]}/${name}${match[2] ?? ''}`;
}

module.exports = { testDatabaseUri };
