package dev.confide.cas;

import dev.confide.cas.common.TlsIdentity;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The CAS over HTTPS: TLS 1.3 only, client certificates asked for (their key hash is the
 * principal; anonymous clients reach only {@code /health}, the attestation endpoints and a run's
 * own token requests).
 */
public final class CasServer implements AutoCloseable {
  /** Held while the logging backend is bound: a second CAS starting meanwhile waits for it. */
  private static final Object LOGGING_BINDING = new Object();

  private final Server server;
  private final ServerConnector connector;
  private final Database database;
  private final CasService service;
  private final CasHome home;

  private CasServer(Server server, ServerConnector connector, Database database, CasService service, CasHome home) {
    this.server = server;
    this.connector = connector;
    this.database = database;
    this.service = service;
    this.home = home;
  }

  /**
   * Binds the logging backend before this CAS's threads (Jetty, HikariCP) log. Whoever calls SLF4J
   * while another thread is binding it gets a stand-in whose calls are queued and replayed with a
   * three-line warning on stderr; two runs starting their CASes at once in the daemon did.
   */
  private static void bindLogging() {
    synchronized (LOGGING_BINDING) {
      org.slf4j.LoggerFactory.getILoggerFactory();
    }
  }

  /** Opens the database, builds the service and starts listening on {@code listen} (port 0: any free port). */
  public static CasServer start(CasHome home, String jdbcUrl, InetSocketAddress listen, Set<String> auditors) throws Exception {
    return start(home, jdbcUrl, listen, auditors, auditors);
  }

  /**
   * {@link #start(CasHome, String, InetSocketAddress, Set)} where only {@code sessionCreators} may
   * create top-level sessions (sessions inside a namespace follow that namespace's
   * {@code create_sessions}); an empty set lets nobody.
   */
  public static CasServer start(CasHome home, String jdbcUrl, InetSocketAddress listen, Set<String> auditors,
      Set<String> sessionCreators) throws Exception {
    bindLogging();
    // The database opens (pool, H2 or PostgreSQL, schema check) on another thread while this one
    // builds the TLS context and the connector, which need nothing from it: a third off the
    // embedded CAS's start, which every `confide run` waits for.
    // A thread of its own, not the common pool: on two cores that pool has one worker, which a
    // caller (a daemon serving several runs) may be holding.
    CasMetrics metrics = new CasMetrics();
    CompletableFuture<Database> opening = CompletableFuture.supplyAsync(() -> Database.open(jdbcUrl, 8, metrics.registry()),
        task -> Thread.ofPlatform().name("cas-database-open").start(task));
    Database database = null;
    try {
      // Few threads: requests are short and CPU-bound, and on a small machine hundreds of runnable
      // threads only stretch the time each transaction holds the audit head (bench/cas.sh).
      QueuedThreadPool threads = new QueuedThreadPool(32, 8);
      threads.setName("cas");
      Server server = new Server(threads);
      SslContextFactory.Server tls = new SslContextFactory.Server();
      // client certificates are self-signed by design: the handshake proves key possession, the key hash is the principal
      tls.setSslContext(TlsIdentity.tls13(home.identity(), new AnyClientCertificate()));
      tls.setIncludeProtocols("TLSv1.3");
      tls.setWantClientAuth(true);
      HttpConfiguration http = new HttpConfiguration();
      http.setSendServerVersion(false);
      http.setRequestHeaderSize(16 * 1024);
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false);
      http.addCustomizer(secure);
      ServerConnector connector = new ServerConnector(server,
          new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
      connector.setHost(listen.getHostString());
      connector.setPort(listen.getPort());
      connector.setIdleTimeout(30_000);
      server.addConnector(connector);
      server.setStopTimeout(5_000);
      server.setErrorHandler(new JsonErrors());
      database = opened(opening);
      CasStore store = new CasStore(database.dataSource(), database.shared(), metrics);
      AuditChain audit = new AuditChain(home.auditKey(), home.identity().privateKey(), store);
      if (database.shared()) {
        // only a shared database can hold another CAS's log
        audit.requireOwnSigner(database.description());
      }
      CasService service = new CasService(store, audit, home.masterKey(), auditors, sessionCreators, metrics);
      server.setHandler(new CasHttpHandler(service, new CasAttestation(service, home.dir().resolve("collateral"))));
      server.start();
      return new CasServer(server, connector, database, service, home);
    } catch (Exception e) {
      if (database != null) {
        database.close();
      } else {
        closeOnceOpened(opening);
      }
      throw e;
    }
  }

  /** Waits for the database and closes it; one that failed to open needs nothing (its failure is reported). */
  private static void closeOnceOpened(CompletableFuture<Database> opening) {
    try {
      opening.join().close();
    } catch (CompletionException notOpened) {
      // the failure that is being thrown is this one, or comes first
    }
  }

  /** The database, or the failure that kept it from opening, as {@link Database#open} throws it. */
  private static Database opened(CompletableFuture<Database> opening) {
    try {
      return opening.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  public int port() {
    return connector.getLocalPort();
  }

  public String url() {
    String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
    return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
  }

  public String fingerprint() {
    return home.identity().fingerprint();
  }

  public CasService service() {
    return service;
  }

  public Database database() {
    return database;
  }

  public void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() throws Exception {
    try {
      server.stop();
    } finally {
      database.close();
    }
  }

  /** Accepts any client certificate: who the client is, is its key hash, checked by the rules. */
  private static final class AnyClientCertificate extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("a CAS does not connect to servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("a CAS does not connect to servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("a CAS does not connect to servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
