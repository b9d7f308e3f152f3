import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * Dev/test MongoDB wire server for Proofgate. Usage: MongoServerLauncher PORT [H2_FILE]
 * PORT 0 picks a free port; with H2_FILE the data is kept in that file, otherwise in memory.
 * Prints "listening <host>:<port>" once it accepts connections (and nothing else on stdout: the
 * Node.js launcher parses it); SIGTERM/SIGINT shut it down cleanly.
 *
 * The stock main classes bind a fixed port and report wire version 8 (MongoDB 4.2), which the
 * MongoDB Node.js driver behind mongoose >= 9.10 refuses; this reports MongoDB 4.4 (wire 9).
 *
 * It also closes three gaps between it and real MongoDB (two make a long-lived dev database decay):
 * - TTL indexes: mongo-java-server keeps their `expireAfterSeconds` but never deletes anything.
 *   {@link TtlMonitor} does what mongod's TTL monitor does, every PROOFGATE_TTL_MONITOR_SECONDS
 *   (environment; default 60 as mongod's ttlMonitorSleepSecs; 0 turns it off).
 * - `_id` lookups: mongo-java-server only uses an index when the filter's field set equals the
 *   index's, so `{_id: x, kind: k, expiresAt: {$gt: now}}` scans the whole collection. The
 *   collections here find the candidate through the `_id` index first, as mongod does
 *   ({@link IdLookup}).
 * - Index builds: mongo-java-server adds an index under the database's lock while writes hold the
 *   collection's, so a write racing a createIndexes failed; the collections here build under
 *   their own lock too.
 * All are written against mongo-java-server 1.47.0 (pom.xml); re-check them when upgrading.
 */
public class MongoServerLauncher {
  private static final MongoVersion MONGO_4_4 = new MongoVersion() {
    @Override public List<Integer> getVersionArray() { return List.of(4, 4, 0); }
    @Override public int getWireVersion() { return 9; }
  };

  static final String TTL_MONITOR_ENV = "PROOFGATE_TTL_MONITOR_SECONDS";
  private static final double DEFAULT_TTL_MONITOR_SECONDS = 60;

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    long ttlPeriodMillis = ttlMonitorPeriodMillis(System.getenv(TTL_MONITOR_ENV));
    ExpiringBackend backend = args.length > 1 ? new IdIndexedH2Backend(args[1]) : new IdIndexedMemoryBackend();
    backend.version(MONGO_4_4);
    MongoServer server = new MongoServer(backend);
    server.bind("127.0.0.1", port);
    InetSocketAddress address = server.getLocalAddress();
    TtlMonitor ttlMonitor = ttlPeriodMillis > 0 ? TtlMonitor.start(backend, ttlPeriodMillis) : null;

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // The monitor first: a pass must not run against a closed backend (or H2 file).
      if (ttlMonitor != null) ttlMonitor.stop();
      server.shutdown();  // also closes the backend; H2 commits and closes its file
      stopped.countDown();
    }));
    System.out.println("listening " + address.getHostString() + ":" + address.getPort());
    System.out.flush();
    stopped.await();
  }

  /** Seconds (a decimal number, so tests can go below one) to milliseconds; 0 turns it off. */
  static long ttlMonitorPeriodMillis(String setting) {
    if (setting == null || setting.isBlank()) return Math.round(DEFAULT_TTL_MONITOR_SECONDS * 1000);
    double seconds;
    try {
      seconds = Double.parseDouble(setting.trim());
    } catch (NumberFormatException e) {
      seconds = Double.NaN;
    }
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      System.err.println(TTL_MONITOR_ENV + " must be a number of seconds >= 0 (0 turns the TTL monitor off), not '" + setting + "'");
      System.exit(2);
    }
    return seconds == 0 ? 0 : Math.max(1, Math.round(seconds * 1000));
  }

  // ---------------------------------------------------------------------------------------------
  // `_id` equality through the `_id` index

  /**
   * Candidate positions for a filter with a top-level equality on the id field, or an `$in` of
   * such values, from the unique id index, or null when the filter has neither (then the stock
   * planning applies).
   *
   * mongod answers any filter with `_id: <value>` or `_id: {$in: [...]}` from the `_id` index and
   * applies the rest of the filter to the documents found. The caller does exactly that: it runs
   * the full filter through the stock matcher on these candidates, so results, sort, skip, limit
   * and projection are those of a full scan (without a sort, an `$in`'s documents come in the order
   * of its values, where a full scan gives them in insertion order: no order is promised either
   * way); only the documents that cannot match are never looked at. The service's batched reads
   * and redemptions (one `find` or `updateMany` by `_id: {$in}` for a turn's) stay index lookups.
   */
  static final class IdLookup {
    private IdLookup() {}

    static <P> Iterable<P> candidates(List<Index<P>> indexes, String idField, Document query) {
      if (idField == null || query == null || !query.containsKey(idField)) return null;
      Object condition = query.get(idField);
      Object value = equalityValue(condition);
      List<Object> values = value != null ? List.of(value) : inValues(condition);
      if (values == null) return null;
      for (Index<P> index : indexes) {
        List<IndexKey> keys = index.getKeys();
        if (!index.isUnique() || keys.size() != 1 || !idField.equals(keys.get(0).getKey())) continue;
        Set<P> positions = new LinkedHashSet<>();
        for (Object each : values) {
          Document lookup = new Document(idField, each);
          if (!index.canHandle(lookup)) return null;
          for (P position : index.getPositions(lookup)) positions.add(position);
        }
        return positions;
      }
      return null;
    }

    /** The values of `field: {$in: [...]}` when each is one `equalityValue` takes; else null. */
    static List<Object> inValues(Object condition) {
      if (!(condition instanceof Document)) return null;
      Document operators = (Document) condition;
      if (operators.size() != 1 || !(operators.get("$in") instanceof Collection)) return null;
      List<Object> values = new ArrayList<>();
      for (Object each : (Collection<?>) operators.get("$in")) {
        if (each instanceof Document || equalityValue(each) == null) return null;
        values.add(each);
      }
      return values;
    }

    /**
     * The value of `field: value` or `field: {$eq: value}`, when the value is one the index and the
     * matcher compare the same way: both normalise numbers and otherwise use equals(). Everything
     * else (null, which also matches a missing field; embedded documents, where the stock matcher
     * has its own rules; arrays; regular expressions; other operators) keeps the stock path.
     */
    static Object equalityValue(Object condition) {
      if (condition instanceof Document) {
        Document operators = (Document) condition;
        if (operators.size() != 1 || !operators.containsKey("$eq")) return null;
        condition = operators.get("$eq");
      }
      boolean scalar = condition != null
          && !(condition instanceof Missing)
          && !(condition instanceof Map)
          && !(condition instanceof Collection)
          && !(condition instanceof Pattern)
          && !BsonRegularExpression.isRegularExpression(condition);
      return scalar ? condition : null;
    }
  }

  static final class IdIndexedMemoryCollection extends MemoryCollection {
    IdIndexedMemoryCollection(MongoDatabase database, String name, CollectionOptions options, CursorRegistry cursors) {
      super(database, name, options, cursors);
    }

    // Every read and write path (find, findAndModify, update, delete, count, distinct) plans here,
    // inside the collection's own synchronized methods, so the stock locking is unchanged.
    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit,
                                         int batchSize, Document fieldSelector) {
      Iterable<Integer> candidates = IdLookup.candidates(getIndexes(), getIdField(), query);
      if (candidates == null) return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
      return matchDocuments(query, candidates, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }

    // mongo-java-server adds and drops an index holding the database's lock only, while every
    // read and write here holds the collection's: an update walking the index list as an index
    // is added failed with a ConcurrentModificationException ("Unknown error: null" to the
    // client). mongod builds indexes alongside writes, so these take the collection's lock too.
    // Lock order stays database, then collection (the database's addIndex calls this one).
    @Override
    public synchronized void addIndex(Index<Integer> index) {
      super.addIndex(index);
    }

    @Override
    public synchronized void dropIndex(String indexName) {
      super.dropIndex(indexName);
    }
  }

  static final class IdIndexedMemoryDatabase extends MemoryDatabase {
    IdIndexedMemoryDatabase(String name, CursorRegistry cursors) {
      super(name, cursors);
    }

    @Override
    protected MemoryCollection openOrCreateCollection(String name, CollectionOptions options) {
      return new IdIndexedMemoryCollection(this, name, options, cursorRegistry);
    }

    // Synchronized like addIndex already is, so that the TTL monitor, holding this lock while it
    // deletes, never sees a collection's index list change under it (see TtlMonitor).
    @Override
    public synchronized void dropCollection(String collectionName, Oplog oplog) {
      super.dropCollection(collectionName, oplog);
    }

    @Override
    protected synchronized void dropIndex(MongoCollection<Integer> collection, String indexName) {
      super.dropIndex(collection, indexName);
    }
  }

  static final class IdIndexedH2Collection extends H2Collection {
    IdIndexedH2Collection(MongoDatabase database, String name, CollectionOptions options,
                          MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap, CursorRegistry cursors) {
      super(database, name, options, dataMap, metaMap, cursors);
    }

    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit,
                                         int batchSize, Document fieldSelector) {
      Iterable<Object> candidates = IdLookup.candidates(getIndexes(), getIdField(), query);
      if (candidates == null) return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
      return matchDocuments(query, candidates, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }

    // As in IdIndexedMemoryCollection: index changes under the collection's lock.
    @Override
    public synchronized void addIndex(Index<Object> index) {
      super.addIndex(index);
    }

    @Override
    public synchronized void dropIndex(String indexName) {
      super.dropIndex(indexName);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Backends

  /** A backend whose databases the TTL monitor can visit without racing dropDatabase. */
  interface ExpiringBackend extends MongoBackend {
    /** One TTL pass over every database; returns early once stopRequested says so. */
    void deleteExpiredDocuments(BooleanSupplier stopRequested);
  }

  /**
   * One TTL pass over every database of a backend, never racing dropDatabase: resolveDatabase
   * re-creates a database that was dropped since the listing, so each database is visited, and
   * each drop runs, under this one lock.
   */
  static final class DatabaseLifecycle {
    synchronized void drop(Runnable drop) {
      drop.run();
    }

    void deleteExpiredDocuments(Supplier<Set<String>> databaseNames, Function<String, MongoDatabase> resolve,
                                Clock clock, Oplog oplog, BooleanSupplier stopRequested) {
      for (String name : List.copyOf(databaseNames.get())) {
        if (stopRequested.getAsBoolean()) return;
        synchronized (this) {
          if (databaseNames.get().contains(name)) {
            TtlMonitor.deleteExpired(resolve.apply(name), clock, oplog, stopRequested);
          }
        }
      }
    }
  }

  static final class IdIndexedMemoryBackend extends MemoryBackend implements ExpiringBackend {
    private final DatabaseLifecycle lifecycle = new DatabaseLifecycle();

    @Override
    public MemoryDatabase openOrCreateDatabase(String name) {
      return new IdIndexedMemoryDatabase(name, getCursorRegistry());
    }

    @Override
    public void dropDatabase(String name) {
      lifecycle.drop(() -> super.dropDatabase(name));
    }

    @Override
    public void deleteExpiredDocuments(BooleanSupplier stopRequested) {
      lifecycle.deleteExpiredDocuments(this::listDatabaseNames, this::resolveDatabase, getClock(), oplog, stopRequested);
    }
  }

  static final class IdIndexedH2Backend extends H2Backend implements ExpiringBackend {
    // The map names of H2Database.openOrCreateCollection (package-private there): the same names,
    // so files written before this launcher existed, or by the stock one, open unchanged.
    private static final String DATA_MAP_PREFIX = "databases.";
    private static final String META_MAP_PREFIX = "meta.";

    // Here a database resurrected by a TTL pass would even get maps in the file.
    private final DatabaseLifecycle lifecycle = new DatabaseLifecycle();

    IdIndexedH2Backend(String fileName) {
      super(fileName);  // reopens the databases in the file through openOrCreateDatabase below
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String name) {
      return new IdIndexedH2Database(name);
    }

    /**
     * An inner class on purpose: H2Database's constructor opens the collections already in the
     * file (openOrCreateCollection below) before a subclass could have set a field of its own,
     * while the enclosing backend (and so getMvStore()) is set before any super constructor runs.
     */
    final class IdIndexedH2Database extends H2Database {
      IdIndexedH2Database(String name) {
        super(name, IdIndexedH2Backend.this.getMvStore(), IdIndexedH2Backend.this.getCursorRegistry());
      }

      @Override
      protected MongoCollection<Object> openOrCreateCollection(String name, CollectionOptions options) {
        MVStore store = IdIndexedH2Backend.this.getMvStore();
        String fullName = getFullCollectionNamespace(name);
        MVMap<Object, Document> dataMap = store.openMap(DATA_MAP_PREFIX + fullName);
        MVMap<String, Object> metaMap = store.openMap(META_MAP_PREFIX + fullName);
        return new IdIndexedH2Collection(this, name, options, dataMap, metaMap, cursorRegistry);
      }

      // As in IdIndexedMemoryDatabase: dropping takes the lock the TTL monitor deletes under.
      @Override
      public synchronized void dropCollection(String collectionName, Oplog oplog) {
        super.dropCollection(collectionName, oplog);
      }

      @Override
      protected synchronized void dropIndex(MongoCollection<Object> collection, String indexName) {
        super.dropIndex(collection, indexName);
      }
    }

    @Override
    public void dropDatabase(String name) {
      lifecycle.drop(() -> super.dropDatabase(name));
    }

    @Override
    public void deleteExpiredDocuments(BooleanSupplier stopRequested) {
      lifecycle.deleteExpiredDocuments(this::listDatabaseNames, this::resolveDatabase, getClock(), oplog, stopRequested);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // TTL monitor

  /**
   * mongod's TTL monitor: every period, for each TTL index (a single-field index with
   * expireAfterSeconds, honouring its partialFilterExpression), it deletes the documents whose
   * indexed field is a date, or an array holding dates, whose earliest date is at or before
   * now - expireAfterSeconds (mongod scans the index up to that bound inclusive). Documents whose
   * field is missing or holds no date never expire. mongod ignores expireAfterSeconds on compound
   * indexes and rejects it on `_id`; both are skipped here.
   */
  static final class TtlMonitor {
    private static final String INDEXES_COLLECTION = "system.indexes";
    /** Deletions per hold of the locks, so that clients wait for a short burst at most. */
    private static final int DELETE_BATCH = 500;

    private final ScheduledExecutorService executor;
    private volatile boolean stopping;

    private TtlMonitor(ScheduledExecutorService executor) {
      this.executor = executor;
    }

    static TtlMonitor start(ExpiringBackend backend, long periodMillis) {
      ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ttl-monitor");
        thread.setDaemon(true);  // never what keeps the JVM alive
        return thread;
      });
      TtlMonitor monitor = new TtlMonitor(executor);
      executor.scheduleWithFixedDelay(() -> monitor.runPass(backend), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
      return monitor;
    }

    private void runPass(ExpiringBackend backend) {
      try {
        backend.deleteExpiredDocuments(() -> stopping);
      } catch (RuntimeException e) {
        // A thrown exception would cancel every later pass: report it and carry on.
        System.err.println("TTL monitor: pass failed: " + e);
        e.printStackTrace();
      }
    }

    /** Waits for a running pass to finish its current batch; never interrupts it. */
    void stop() {
      stopping = true;
      // shutdown(), not shutdownNow(): interrupting a thread inside H2's file I/O closes the
      // file channel under the store, and the pass checks `stopping` between batches anyway.
      executor.shutdown();
      try {
        if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
          System.err.println("TTL monitor: a pass is still running at shutdown");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    static void deleteExpired(MongoDatabase database, Clock clock, Oplog oplog, BooleanSupplier stopRequested) {
      MongoCollection<?> indexes = database.resolveCollection(INDEXES_COLLECTION, false);
      if (indexes == null) return;
      List<TtlIndex> ttlIndexes = new ArrayList<>();
      synchronized (indexes) {  // its documents are live too (a rename updates their ns)
        for (Document description : indexes.handleQuery(new Document())) {
          TtlIndex ttlIndex = TtlIndex.of(database.getDatabaseName(), description);
          if (ttlIndex != null) ttlIndexes.add(ttlIndex);
        }
      }
      for (TtlIndex ttlIndex : ttlIndexes) {
        if (stopRequested.getAsBoolean()) return;
        try {
          deleteExpired(database, ttlIndex, clock, oplog, stopRequested);
        } catch (RuntimeException e) {
          System.err.println("TTL monitor: failed on " + database.getDatabaseName() + "." + ttlIndex.collectionName
              + " (index " + ttlIndex.name + "): " + e);
          e.printStackTrace();
        }
      }
    }

    /**
     * Locking. Deletions hold the database's monitor, then the collection's. The collection's
     * synchronized methods (every client read and write) use the latter; the former is what
     * mongo-java-server takes to add an index, and the database classes above take it to drop an
     * index or a collection: all change the collection's index list, which removeDocument walks.
     * Holding both, a deletion is never half-applied to the indexes, and a dropped collection is
     * noticed. The scan, read-only and the long part (a whole collection), holds the collection's
     * lock only, so that clients of the database's other collections never wait for it.
     */
    private static void deleteExpired(MongoDatabase database, TtlIndex ttlIndex, Clock clock, Oplog oplog,
                                      BooleanSupplier stopRequested) {
      Instant cutoff = ttlIndex.cutoff(Instant.now(clock));
      if (cutoff == null) return;
      MongoCollection<?> collection = database.resolveCollection(ttlIndex.collectionName, false);
      if (collection == null) return;

      // Under the collection's lock because the memory backend hands out its live documents,
      // which updates change in place.
      List<Object> expiredIds = new ArrayList<>();
      try {
        synchronized (collection) {
          for (Document document : collection.handleQuery(asQuery(ttlIndex.partialFilter))) {
            Object id = document.get(ID_FIELD);
            if (id != null && ttlIndex.isExpired(document, cutoff)) expiredIds.add(id);
          }
        }
      } catch (RuntimeException e) {
        // An index added or dropped meanwhile (ConcurrentModificationException), or the collection
        // dropped (H2 then throws on its removed maps): nothing was changed, the next pass retries.
        // Dropping holds the database's lock until the collection is unregistered.
        boolean stillThere;
        synchronized (database) {
          stillThere = database.resolveCollection(ttlIndex.collectionName, false) == collection;
        }
        if (stillThere && !(e instanceof ConcurrentModificationException)) throw e;
        return;
      }

      // Deleted in batches, so that clients wait for a short burst at most; each document is
      // looked up again (through the _id index) and checked again, as a client may have updated
      // or deleted it since the scan.
      for (int from = 0; from < expiredIds.size(); from += DELETE_BATCH) {
        if (stopRequested.getAsBoolean()) return;
        List<Object> deletedIds = new ArrayList<>();
        synchronized (database) {
          if (database.resolveCollection(ttlIndex.collectionName, false) != collection) return;  // dropped or renamed
          synchronized (collection) {
            for (Object id : expiredIds.subList(from, Math.min(from + DELETE_BATCH, expiredIds.size()))) {
              for (Document document : collection.handleQuery(asQuery(ttlIndex.selector(id)), 0, 0).collectDocuments()) {
                if (ttlIndex.isExpired(document, cutoff)) {
                  collection.removeDocument(document);
                  deletedIds.add(id);
                }
              }
            }
          }
        }
        if (!deletedIds.isEmpty()) {
          // As a delete command would (this is a no-op unless the oplog is enabled).
          oplog.handleDelete(collection.getFullName(), new Document(ID_FIELD, new Document("$in", deletedIds)), deletedIds);
        }
      }
    }

    /** Wrapped, so that a filter on a field named "query" is not taken for the legacy wrapper. */
    private static Document asQuery(Document filter) {
      return new Document("$query", filter == null ? new Document() : filter);
    }
  }

  static final String ID_FIELD = "_id";

  /** A TTL index as described in a database's system.indexes collection. */
  static final class TtlIndex {
    final String name;
    final String collectionName;
    final String field;
    final long expireAfterSeconds;
    final Document partialFilter;

    private TtlIndex(String name, String collectionName, String field, long expireAfterSeconds, Document partialFilter) {
      this.name = name;
      this.collectionName = collectionName;
      this.field = field;
      this.expireAfterSeconds = expireAfterSeconds;
      this.partialFilter = partialFilter;
    }

    /** The TTL index an index description defines, or null when it defines none mongod would use. */
    static TtlIndex of(String databaseName, Document description) {
      Object expireAfter = description.get("expireAfterSeconds");
      Object key = description.get("key");
      Object ns = description.get("ns");
      Object partialFilter = description.get("partialFilterExpression");
      if (!(expireAfter instanceof Number) || !(key instanceof Document) || !(ns instanceof String)) return null;
      double seconds = ((Number) expireAfter).doubleValue();
      if (!(seconds >= 0) || Double.isInfinite(seconds)) return null;  // mongod refuses these
      Document keys = (Document) key;
      if (keys.size() != 1) return null;  // compound: mongod ignores expireAfterSeconds
      String field = keys.keySet().iterator().next();
      if (field.equals(ID_FIELD) || !(keys.get(field) instanceof Number)) return null;  // _id, or text/hashed/geo
      String prefix = databaseName + ".";
      if (!((String) ns).startsWith(prefix)) return null;
      String collectionName = ((String) ns).substring(prefix.length());
      if (collectionName.startsWith("system.")) return null;
      Document filter = partialFilter instanceof Document ? (Document) partialFilter : null;
      return new TtlIndex(String.valueOf(description.get("name")), collectionName, field, (long) seconds, filter);
    }

    /** now - expireAfterSeconds, or null when that is before any date (nothing can expire). */
    Instant cutoff(Instant now) {
      try {
        return now.minusSeconds(expireAfterSeconds);
      } catch (DateTimeException | ArithmeticException e) {
        return null;
      }
    }

    /** The filter that finds the document again at deletion: its _id and the partial filter. */
    Document selector(Object id) {
      Document byId = new Document(ID_FIELD, id);
      if (partialFilter == null) return byId;
      if (partialFilter.containsKey(ID_FIELD)) return new Document("$and", List.of(byId, partialFilter));
      Document selector = new Document(byId);
      selector.putAll(partialFilter);
      return selector;
    }

    /**
     * Dates arrive as Instant. An array is indexed element by element (and a path through an
     * array of subdocuments collects the values of each), so its earliest date is the one
     * mongod's index scan reaches: Utils.getSubdocumentValueCollectionAware gives that list.
     */
    boolean isExpired(Document document, Instant cutoff) {
      Object value = Utils.getSubdocumentValueCollectionAware(document, field);
      Instant earliest = null;
      if (value instanceof Instant) {
        earliest = (Instant) value;
      } else if (value instanceof Collection) {
        for (Object element : (Collection<?>) value) {
          if (element instanceof Instant && (earliest == null || ((Instant) element).isBefore(earliest))) {
            earliest = (Instant) element;
          }
        }
      }
      return earliest != null && !earliest.isAfter(cutoff);
    }
  }
}
