import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Dev/test MongoDB wire server for Proofgate. Usage: MongoServerLauncher PORT [H2_FILE]
 * PORT 0 picks a free port; with H2_FILE the data is kept in that file, otherwise in memory.
 * Prints "listening <host>:<port>" once it accepts connections; SIGTERM/SIGINT shut it down cleanly.
 *
 * The stock main classes bind a fixed port and report wire version 8 (MongoDB 4.2), which the
 * MongoDB Node.js driver behind mongoose >= 9.10 refuses; this reports MongoDB 4.4 (wire 9).
 */
public class MongoServerLauncher {
  private static final MongoVersion MONGO_4_4 = new MongoVersion() {
    @Override public List<Integer> getVersionArray() { return List.of(4, 4, 0); }
    @Override public int getWireVersion() { return 9; }
  };

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    MongoBackend backend = args.length > 1 ? new H2Backend(args[1]) : new MemoryBackend();
    backend.version(MONGO_4_4);
    MongoServer server = new MongoServer(backend);
    server.bind("127.0.0.1", port);
    InetSocketAddress address = server.getLocalAddress();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdown();  // also closes the backend; H2 commits and closes its file
      stopped.countDown();
    }));
    System.out.println("listening " + address.getHostString() + ":" + address.getPort());
    System.out.flush();
    stopped.await();
  }
}
