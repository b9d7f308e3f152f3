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
    process.stderr.write(
      "Resolving mongo-java-server's classpath with Maven, once per checkout (downloaded from Maven Central unless ~/.m2 has it)...\n",
    );
  try {
    // Maven's output is kept, and shown only when it fails: even quiet and in batch mode it
    // writes colour resets that would be glued to the next line of the terminal.
    execFileSync(
      'mvn',
      ['-B', '-q', '-f', POM, 'dependency:build-classpath', `-Dmdep.outputFile=${CACHE}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;]*m/g, '')
      .trim();
    throw new Error(
      `Could not resolve mongo-java-server with Maven (is \`mvn\` on PATH with Java 17+?): ${error.message}` +
        (output ? `\n${output}` : ''),
    );
  }
  return fs.readFileSync(CACHE, 'utf8').trim();
}

module.exports = { resolveClasspath };

if (require.main === module) {
  process.stdout.write(`${resolveClasspath()}\n`);
}
