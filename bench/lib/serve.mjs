// How the bench's comparison servers (bench/floor, bench/oidc-provider) run as child processes of
// the bench: on loopback only, saying `listening <port>` once they accept connections, and on
// SIGTERM or SIGINT closing their connections and their MongoDB client before they exit, so that
// the bench's stop() finds them gone and the database closed cleanly.

/**
 * Listens on 127.0.0.1:`port` and stops on SIGTERM/SIGINT.
 * @param {import('node:http').Server} server
 * @param {number} port
 * @param {{ close(): Promise<void> }} mongo the server's MongoDB client
 */
export function serveUntilStopped(server, port, mongo) {
  server.listen(port, '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
  const stop = () => {
    server.close();
    server.closeAllConnections();
    void mongo.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
