'use strict';
// Resolves (and caches) the Java classpath of the dev/test MongoDB wire server from Maven Central.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const DIR = __dirname;
const POM = path.join(DIR, 'pom.xml');
const CACHE = path.join(DIR, 'classpath.txt');

function cachedClasspath() {
  if (!fs.existsSync(CACHE)) return undefined;
  if (fs.statSync(CACHE).mtimeMs < fs.statSync(POM).mtimeMs) return undefined;
  const classpath = fs.readFileSync(CACHE, 'utf8').trim();
  const jars = classpath.split(path.delimiter);
  return jars.length > 0 && jars.every((jar) => fs.existsSync(jar)) ? classpath : undefined;
}

/** The classpath, running `mvn dependency:build-classpath` once when it is missing or stale. */
function resolveClasspath({ quiet = false } = {}) {
  const cached = cachedClasspath();
  if (cached) return cached;
  if (!quiet)
    process.stderr.write('Resolving mongo-java-server from Maven Central (first run only)...\n');
  try {
    execFileSync(
      'mvn',
      ['-B', '-q', '-f', POM, 'dependency:build-classpath', `-Dmdep.outputFile=${CACHE}`],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
  } catch (error) {
    throw new Error(
      `Could not resolve mongo-java-server with Maven (is \`mvn\` on PATH with Java 17+?): ${error.message}`,
    );
  }
  return fs.readFileSync(CACHE, 'utf8').trim();
}

module.exports = { resolveClasspath };

if (require.main === module) {
  process.stdout.write(`${resolveClasspath()}\n`);
}
