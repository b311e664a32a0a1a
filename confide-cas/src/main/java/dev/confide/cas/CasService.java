package dev.confide.cas;

import dev.confide.cas.CasStore.StoredSecret;
import dev.confide.cas.CasStore.StoredSession;
import dev.confide.cas.CasStore.StoredVolume;
import dev.confide.cas.api.AuditLog;
import dev.confide.cas.api.SessionReceipt;
import dev.confide.cas.api.SessionView;
import dev.confide.cas.api.TagSwap;
import dev.confide.cas.api.VolumeState;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.KeyDigests;
import dev.confide.cas.common.RunProof;
import dev.confide.policy.AccessPolicy;
import dev.confide.policy.Export;
import dev.confide.policy.PolicyException;
import dev.confide.policy.SecretSpec;
import dev.confide.policy.Session;
import dev.confide.policy.SessionHash;
import dev.confide.policy.SessionParser;
import dev.confide.policy.VolumeSpec;
import dev.confide.volume.Tag;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of the CAS, independent of HTTP: who may create, read and update which session; no
 * lost updates (predecessor); secrets generated and migrated; imports resolved against exports;
 * volume tags moved by compare-and-swap; every change in the audit log, in the same transaction.
 */
public final class CasService {
  private static final Pattern TAG = Pattern.compile("[0-9a-f]{64}");
  /** Registered hosts per principal: any self-made identity may register, so the table must not grow without bound. */
  static final int MAX_SIM_HOSTS = 100;

  private final CasStore store;
  private final AuditChain audit;
  private final MasterKey masterKey;
  private final SecretPlan secretPlan;
  private final SessionDocuments documents = new SessionDocuments();
  private final SessionParser parser = new SessionParser();
  private final Set<String> auditors;
  /** Who may create top-level sessions; inside a namespace, its create_sessions rules. */
  private final Set<String> sessionCreators;
  private final CasMetrics metrics;
  private final DatabaseProbe probe;
  private final RunTokens runTokens;
  private final ImportedDefinitions imports;
  private final SecureRandom random = new SecureRandom();

  CasService(CasStore store, AuditChain audit, MasterKey masterKey, Set<String> auditors, Set<String> sessionCreators) {
    this(store, audit, masterKey, auditors, sessionCreators, new CasMetrics());
  }

  CasService(CasStore store, AuditChain audit, MasterKey masterKey, Set<String> auditors, Set<String> sessionCreators,
      CasMetrics metrics) {
    this.sessionCreators = Set.copyOf(sessionCreators);
    this.store = store;
    this.audit = audit;
    this.masterKey = masterKey;
    this.secretPlan = new SecretPlan(masterKey, new SecretGenerator());
    this.auditors = Set.copyOf(auditors);
    this.metrics = metrics;
    metrics.sessions(store::sessionCount);
    this.probe = new DatabaseProbe(store.dataSource(), java.time.Duration.ofSeconds(2), metrics);
    this.runTokens = new RunTokens(store);
    this.imports = new ImportedDefinitions(store, documents);
  }

  ImportedDefinitions imports() {
    return imports;
  }

  RunTokens runTokens() {
    return runTokens;
  }

  SessionDocuments documents() {
    return documents;
  }

  CasStore store() {
    return store;
  }

  MasterKey masterKey() {
    return masterKey;
  }

  AuditChain auditChain() {
    return audit;
  }

  /** Whether the database answers now ({@code /health/ready}); {@code /health} says only that this process serves. */
  DatabaseProbe.Result readiness() {
    return probe.probe();
  }

  CasMetrics metrics() {
    return metrics;
  }

  /**
   * An imported config-fragment, when a session is created or updated: the exporter's value, if it
   * exports it to the importer (a pinned export is checked with the other imports, once the
   * importer's hash is known). The session keeps what it was then.
   */
  private com.fasterxml.jackson.databind.JsonNode fragment(String importer, String sessionName, String secretName) {
    return store.read(c -> {
      Session exporter = exporter(c, sessionName, "config-fragment " + secretName);
      SecretSpec source = exporter.secret(secretName).orElseThrow(() -> unresolved(
          "session " + exporter.name() + " has no secret " + secretName));
      if (!SecretSpec.CONFIG_FRAGMENT.equals(source.kind()) || source.imported()) {
        throw CasException.conflict("import_refused", "secret " + secretName + " of session " + sessionName
            + " is not a config-fragment of its own, and only one stands for a part of the policy",
            "import a config-fragment its session defines");
      }
      checkExport(source.export(), exporter.name(), "secret " + secretName, importer, null);
      byte[] value = opened(sessionName, secretName, store.secrets(c, sessionName).get(secretName));
      try {
        return FRAGMENT_JSON.readTree(new String(value, java.nio.charset.StandardCharsets.UTF_8));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new CasException(500, "integrity", "the stored value of config-fragment " + secretName + " of session "
            + sessionName + " is unreadable", "restore the database from a backup");
      }
    });
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper FRAGMENT_JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private Session parse(String text) {
    try {
      return parser.parse("session", text, this::fragment);
    } catch (PolicyException e) {
      throw new CasException(400, "invalid_session", e.getMessage(), e.hint(), e.problems().stream()
          .map(p -> new dev.confide.cas.api.ApiError.Problem(p.where() == null ? null : p.where().line(),
              p.where() == null ? null : p.where().column(), p.message(), p.hint())).toList());
    }
  }

  public SessionReceipt create(String principal, String text) {
    Session session = parse(text);
    if (session.predecessor() != null) {
      throw CasException.conflict("predecessor_on_create", "a new session cannot name a predecessor",
          "remove 'predecessor', or use 'confide session update' to change an existing session");
    }
    String hash = SessionHash.of(session);
    return store.transaction(c -> {
      if (store.session(c, session.name(), false).isPresent()) {
        throw CasException.conflict("session_exists", "session " + session.name() + " already exists",
            "change it with 'confide session update FILE'");
      }
      Optional<String> namespace = session.namespace();
      if (namespace.isEmpty() && !sessionCreators.contains(principal)) {
        throw CasException.forbidden("you may not create top-level sessions at this CAS",
            "ask its operator to start it with '--session-creator " + principal + "', or create the session inside a"
                + " namespace whose create_sessions admits you");
      }
      if (namespace.isPresent()) {
        StoredSession parent = store.session(c, namespace.get(), false).orElseThrow(() -> CasException.notFound(
            "namespace " + namespace.get() + " does not exist", "create session " + namespace.get() + " first"));
        Session parentSession = documents.of(parent.hash(), parent.document());
        if (!AccessPolicy.admits(parentSession.accessPolicy().createSessions(), principal, parent.creator())) {
          throw CasException.forbidden("you may not create sessions in namespace " + namespace.get(),
              "ask its owner to add your key hash to its access_policy.create_sessions");
        }
      }
      checkImports(c, session, hash);
      String now = Instant.now().toString();
      StoredSession stored = new StoredSession(session.name(), hash, null, principal, SessionHash.canonical(session), now);
      store.insertSession(c, stored);
      store.replaceSecrets(c, session.name(), withTreeKeys(session, secretPlan.plan(session, Map.of())));
      audit.append(c, "session.create", principal, session.name(), "hash=" + hash);
      adoptGivenKeys(c, session);
      return new SessionReceipt(session.name(), hash, null);
    });
  }

  public SessionReceipt update(String principal, String name, String text) {
    Session session = parse(text);
    if (!session.name().equals(name)) {
      throw CasException.badRequest("the file defines session " + session.name() + ", not " + name,
          "update the session the file names");
    }
    if (session.predecessor() == null) {
      throw CasException.conflict("predecessor_missing", "an update must name the session's current hash as 'predecessor'",
          "use 'confide session update FILE', which fills it in");
    }
    String hash = SessionHash.of(session);
    return store.transaction(c -> {
      StoredSession current = store.session(c, name, true)
          .orElseThrow(() -> CasException.notFound("session " + name + " does not exist", "create it with 'confide session create FILE'"));
      Session currentSession = documents.of(current.hash(), current.document());
      if (!AccessPolicy.admits(currentSession.accessPolicy().update(), principal, current.creator())) {
        throw CasException.forbidden("you may not update session " + name,
            "ask its owner to add your key hash to its access_policy.update");
      }
      if (!session.predecessor().equals(current.hash())) {
        throw CasException.conflict("stale_predecessor", "session " + name + " changed: its current hash is "
            + current.hash() + " but the update names " + session.predecessor(),
            "read it again ('confide session show " + name + "'), redo your change and update");
      }
      checkImports(c, session, hash);
      StoredSession next = new StoredSession(name, hash, session.predecessor(), current.creator(),
          SessionHash.canonical(session), Instant.now().toString());
      if (!store.replaceSession(c, next, current.hash())) {
        throw CasException.conflict("stale_predecessor", "session " + name + " changed during the update", "retry");
      }
      store.replaceSecrets(c, name, withTreeKeys(session, secretPlan.plan(session, store.secrets(c, name))));
      for (VolumeSpec v : session.volumes()) {
        store.updatePolicy(c, name, v.name(), v.updatePolicy());
      }
      audit.append(c, "session.update", principal, name, "hash=" + hash + " predecessor=" + current.hash());
      adoptGivenKeys(c, session);
      return new SessionReceipt(name, hash, current.hash());
    });
  }

  public SessionView read(String principal, String name) {
    // a read without a transaction: the volumes' rows may be a moment newer than the session's
    return store.read(c -> {
      StoredSession stored = readable(c, principal, name);
      Session session = documents.of(stored.hash(), stored.document());
      List<SessionView.SecretInfo> secrets = new ArrayList<>();
      Map<String, StoredSecret> values = session.secrets().isEmpty() ? Map.of() : store.secrets(c, name);
      for (SecretSpec spec : session.secrets()) {
        StoredSecret s = values.get(spec.name());
        secrets.add(new SessionView.SecretInfo(spec.name(), spec.kind(), spec.imported()
            ? "imported from " + spec.importFrom().session() : s == null ? "missing" : s.origin()));
      }
      List<VolumeState> volumes = new ArrayList<>();
      Map<String, StoredVolume> own = session.volumes().stream().allMatch(v -> v.importFrom() != null) ? Map.of()
          : store.volumes(c, name);
      for (VolumeSpec v : session.volumes()) {
        volumes.add(v.importFrom() == null ? state(v.name(), v, Optional.ofNullable(own.get(v.name()))) : state(c, session, v));
      }
      return new SessionView(name, stored.hash(), stored.predecessor(), stored.creator(), stored.updatedAt(),
          documents.tree(stored.hash(), stored.document()), secrets, volumes);
    });
  }

  public VolumeState volume(String principal, String sessionName, String volumeName) {
    return store.read(c -> {
      CasStore.SessionVolume found = store.sessionWithVolume(c, sessionName, volumeName)
          .orElseThrow(() -> CasException.notFound("session " + sessionName + " does not exist", "check the name"));
      Session session = readable(found.session(), principal);
      VolumeSpec spec = declared(session, volumeName);
      // the row read with the session is the volume's own only under its own name (not an alias, not an import)
      return spec.importFrom() == null && spec.name().equals(volumeName) ? state(sessionName, spec, found.volume())
          : state(c, session, spec);
    });
  }

  /**
   * The key of one of {@code sessionName}'s own volumes, for a principal its access policy lets
   * update it: such a principal could as well add a service of its own to read the volume, so the
   * key gives it nothing more. A volume the session imports belongs to its exporter and is never
   * released; nor is anything to anyone else. The key is made now if no run has used the volume yet.
   */
  public byte[] exportVolumeKey(String principal, String sessionName, String volumeName) {
    return store.transaction(c -> {
      StoredSession stored = store.session(c, sessionName, false)
          .orElseThrow(() -> CasException.notFound("session " + sessionName + " does not exist", "check the name"));
      Session session = documents.of(stored.hash(), stored.document());
      if (!AccessPolicy.admits(session.accessPolicy().update(), principal, stored.creator())) {
        throw CasException.forbidden("you may not read the volume keys of session " + sessionName,
            "only its owner and those its access_policy.update lists may");
      }
      VolumeSpec spec = declared(session, volumeName);
      if (spec.importFrom() != null) {
        throw CasException.forbidden("volume " + volumeName + " of session " + sessionName + " is imported from session "
            + spec.importFrom().session() + ": its key is that session's to give", "ask the owner of " + spec.importFrom().session());
      }
      Target target = target(c, session, spec);
      StoredVolume row = firstUse(c, target);
      audit.append(c, "volume.key.export", principal, target.subject(), "released to a principal who may update the session");
      return masterKey.open(Base64.getDecoder().decode(row.sealedKey()), volumeBoundTo(target));
    });
  }

  /**
   * Moves a volume's tag from {@code oldTag} to {@code newTag}. Until runtimes carry run tokens (the
   * runtime issue), principals in the session's {@code update} list may swap.
   */
  public VolumeState swap(String principal, String sessionName, String volumeName, TagSwap swap) {
    return swap(new Caller.Principal(principal), sessionName, volumeName, swap);
  }

  /**
   * A swap by a principal in the session's {@code update} list or by a run of this session (once per
   * writable volume, from the tag it was given). A rollback-protected volume never returns to a tag it
   * held before: such a swap is refused as a rollback and audited as an attempt.
   */
  public VolumeState swap(Caller caller, String sessionName, String volumeName, TagSwap swap) {
    if (swap == null || swap.newTag() == null) {
      throw CasException.badRequest("tags are 64 lower-case hex digits; new_tag is required",
          "send {\"old_tag\": null or the current tag, \"new_tag\": the new tag}");
    }
    // the database keeps tags as their hex: the edge where a tag becomes text
    String oldTag = swap.oldTag() == null ? null : swap.oldTag().hex();
    String newTag = swap.newTag().hex();
    String principal = caller.auditName();
    try {
      VolumeState state = store.transaction(c -> {
        CasStore.SessionVolume found = store.sessionWithVolume(c, sessionName, volumeName)
            .orElseThrow(() -> CasException.notFound("session " + sessionName + " does not exist", "check the name"));
        StoredSession stored = found.session();
        Session session = documents.of(stored.hash(), stored.document());
        CasStore.RunGrant grant = null;
        switch (caller) {
          case Caller.Principal p when !AccessPolicy.admits(session.accessPolicy().update(), p.keyHash(), stored.creator()) ->
              throw CasException.forbidden("you may not move the tags of session " + sessionName,
                  "ask its owner to add your key hash to its access_policy.update");
          case Caller.RunToken t -> grant = runTokens.authorize(c, t, sessionName,
              RunProof.swap(t.tokenHash(), sessionName, volumeName, swap.oldTag(), swap.newTag()), System.currentTimeMillis());
          default -> { }
        }
        VolumeSpec spec = declared(session, volumeName);
        Target target = target(c, session, spec);
        boolean own = target.session().equals(sessionName) && target.volume().equals(volumeName);
        StoredVolume row = own && found.volume().isPresent() ? found.volume().get() : firstUse(c, target);
        if (grant != null) {
          runTokens.useVolume(c, grant, volumeName, oldTag);
        }
        String policy = row.updatePolicy();
        if (policy.equals(VolumeSpec.EPHEMERAL)) {
          audit.append(c, "tag.swap", principal, target.subject(), "ephemeral: nothing kept");
          return new VolumeState(target.session(), target.volume(), policy, null, row.generation());
        }
        boolean protectedVolume = policy.equals(VolumeSpec.ROLLBACK_PROTECTED);
        if (protectedVolume && newTag.equals(row.tag())) {
          throw rollback(target, newTag);
        }
        // the compare-and-swap first: its winner holds the volume's row and records the new tag if it
        // is new (a rollback found then undoes the swap with the transaction)
        CasStore.ProtectedSwap outcome = protectedVolume
            ? store.swapProtected(c, target.session(), target.volume(), oldTag, newTag)
            : store.swapTag(c, target.session(), target.volume(), oldTag, newTag, false)
                ? CasStore.ProtectedSwap.SWAPPED : CasStore.ProtectedSwap.STALE;
        if (outcome == CasStore.ProtectedSwap.HELD_BEFORE
            || outcome == CasStore.ProtectedSwap.STALE && protectedVolume && store.tagSeen(c, target.session(), target.volume(), newTag)) {
          throw rollback(target, newTag);
        }
        if (outcome == CasStore.ProtectedSwap.STALE) {
          StoredVolume now = store.volume(c, target.session(), target.volume()).orElseThrow();
          throw CasException.conflict("stale_tag", "volume " + target.volume() + " of session " + target.session()
              + " is at tag " + now.tag() + " (generation " + now.generation() + "), not at " + oldTag,
              "another commit came first: open the volume at its current tag and redo the change");
        }
        audit.append(c, "tag.swap", principal, target.subject(),
            oldTag + " -> " + newTag + (protectedVolume ? "" : " (no rollback protection)"));
        return new VolumeState(target.session(), target.volume(), policy, swap.newTag(), row.generation() + 1);
      });
      metrics.tagSwap("committed");
      return state;
    } catch (CasException e) {
      metrics.tagSwap(e.error());
      if (e.error().equals("rollback")) {
        // the refused swap's transaction rolled back; the attempt is recorded on its own
        store.transaction(c -> {
          audit.append(c, "tag.swap.refused", principal, sessionName + "/" + volumeName,
              swap.oldTag() + " -> " + swap.newTag() + ": rollback to an earlier tag");
          return null;
        });
      }
      throw e;
    }
  }

  private static CasException rollback(Target target, String newTag) {
    return new CasException(409, "rollback", "volume " + target.volume() + " of session " + target.session()
        + " held tag " + newTag + " before: moving it back would roll the volume back",
        "a volume never returns to an earlier state; commit a new generation instead");
  }

  /** Renews a run's token for another lifetime; only the run itself (its proof) may. */
  public void renewRun(Caller.RunToken caller) {
    store.transaction(c -> {
      long now = System.currentTimeMillis();
      runTokens.renew(c, runTokens.authorize(c, caller, null, RunProof.message("renew", caller.tokenHash()), now), now);
      return null;
    });
  }

  /** Ends a run's token (its run committed, failed or was cancelled); only the run itself may. */
  public void endRun(Caller.RunToken caller) {
    store.transaction(c -> {
      CasStore.RunGrant grant = runTokens.authorize(c, caller, null, RunProof.message("end", caller.tokenHash()),
          System.currentTimeMillis());
      runTokens.end(c, grant);
      audit.append(c, "run.end", caller.auditName(), grant.session() + "/" + grant.service(), "token ended by its run");
      return null;
    });
  }

  /**
   * The key of a volume, created on its first use. Only for attested runtimes (the runtime issue
   * calls this after checking evidence); never reachable through the session API.
   */
  byte[] volumeKey(String sessionName, String volumeName, String releasedTo) {
    return store.transaction(c -> {
      StoredSession stored = store.session(c, sessionName, false)
          .orElseThrow(() -> CasException.notFound("session " + sessionName + " does not exist", "check the name"));
      Session session = documents.of(stored.hash(), stored.document());
      Target target = target(c, session, declared(session, volumeName));
      StoredVolume row = firstUse(c, target);
      audit.append(c, "volume.key", releasedTo, target.subject(), "released");
      return masterKey.open(Base64.getDecoder().decode(row.sealedKey()), volumeBoundTo(target));
    });
  }

  /** The secret values of a session, imports resolved. Only for attested runtimes, like {@link #volumeKey}. */
  Map<String, byte[]> secretValues(String sessionName, String releasedTo) {
    return store.transaction(c -> secretValues(c, sessionName, releasedTo));
  }

  /** {@link #secretValues(String, String)} inside the caller's transaction. */
  Map<String, byte[]> secretValues(Connection c, String sessionName, String releasedTo) throws SQLException {
    StoredSession stored = store.session(c, sessionName, false)
        .orElseThrow(() -> CasException.notFound("session " + sessionName + " does not exist", "check the name"));
    Session session = documents.of(stored.hash(), stored.document());
    checkImports(c, session, stored.hash());
    Map<String, byte[]> values = new LinkedHashMap<>();
    Map<String, StoredSecret> own = store.secrets(c, sessionName);
    for (SecretSpec spec : session.secrets()) {
      String owner = spec.imported() ? spec.importFrom().session() : sessionName;
      String name = spec.imported() ? spec.importFrom().secret() : spec.name();
      byte[] value = opened(owner, name, spec.imported() ? store.secrets(c, owner).get(name) : own.get(name));
      if (spec.imported() && !exportedTo(exporter(c, owner, "secret " + spec.name()).secret(name).orElseThrow(), sessionName)) {
        // imported only because its public part is public: the certificate or public key, never its private key
        byte[] full = value;
        value = PublicParts.of(full);
        java.util.Arrays.fill(full, (byte) 0);
      }
      values.put(spec.name(), value);
    }
    audit.append(c, "secrets.release", releasedTo, sessionName, values.size() + " secrets");
    return values;
  }

  /**
   * {@code principal} vouches for the host whose key hashes to {@code keyHash}: its simulated
   * evidence then counts for the sessions {@code principal} created. Registering twice changes nothing.
   */
  public dev.confide.cas.api.SimHost trustSimHost(String principal, String keyHash) {
    if (keyHash == null || !TAG.matcher(keyHash).matches()) {
      throw CasException.badRequest("a host key hash is 64 lower-case hex digits",
          "send {\"key_hash\": what 'confide host init' prints on the host}");
    }
    return store.transaction(c -> {
      List<dev.confide.cas.api.SimHost> registered = store.simHosts(c, principal);
      Optional<dev.confide.cas.api.SimHost> known = registered.stream().filter(h -> h.keyHash().equals(keyHash)).findFirst();
      if (known.isPresent()) {
        return known.get();
      }
      if (registered.size() >= MAX_SIM_HOSTS) {
        throw CasException.conflict("too_many_hosts", "you have registered " + MAX_SIM_HOSTS + " hosts already",
            "this CAS keeps at most " + MAX_SIM_HOSTS + " hosts per principal; list hosts in the session's sim_hosts instead");
      }
      dev.confide.cas.api.SimHost fresh = new dev.confide.cas.api.SimHost(keyHash, principal, Instant.now().toString());
      if (store.insertSimHost(c, fresh)) { // false: a concurrent request of the same principal registered it (and audited)
        audit.append(c, "host.trust", principal, "sim-host/" + keyHash, "simulated evidence of this host counts for "
            + "the sessions this principal created");
      }
      return fresh;
    });
  }

  /** The hosts {@code principal} vouches for. */
  public List<dev.confide.cas.api.SimHost> simHosts(String principal) {
    return store.transaction(c -> store.simHosts(c, principal));
  }

  /** The metrics, for the CAS's auditors only: they count sessions and calls, which is reconnaissance for anyone else. */
  public String metricsFor(String principal) {
    if (!auditors.contains(principal)) {
      throw CasException.forbidden("you may not read the CAS's metrics",
          "start the CAS with '--auditor " + principal + "' (or as the identity that runs it)");
    }
    return metrics.scrape();
  }

  public AuditLog audit(String principal, long after, int limit) {
    if (!auditors.contains(principal)) {
      throw CasException.forbidden("you may not read the audit log",
          "start the CAS with '--auditor " + principal + "' (or as the identity that runs it)");
    }
    return store.transaction(c -> audit.read(c, after, Math.max(1, Math.min(limit, 10_000))));
  }

  private StoredSession readable(Connection c, String principal, String name) throws SQLException {
    StoredSession stored = store.session(c, name, false)
        .orElseThrow(() -> CasException.notFound("session " + name + " does not exist", "check the name"));
    readable(stored, principal);
    return stored;
  }

  /** The stored session's document, when {@code principal} may read it. */
  private Session readable(StoredSession stored, String principal) {
    Session session = documents.of(stored.hash(), stored.document());
    if (!AccessPolicy.admits(session.accessPolicy().read(), principal, stored.creator())) {
      throw CasException.forbidden("you may not read session " + stored.name(),
          "ask its owner to add your key hash to its access_policy.read");
    }
    return session;
  }

  private static VolumeSpec declared(Session session, String volumeName) {
    VolumeSpec v = session.volume(volumeName).orElseThrow(() -> CasException.notFound(
        "session " + session.name() + " has no volume " + volumeName, "declare it under 'volumes'"));
    refuseSconeFileShield(session, v);
    return v;
  }

  /** A volume SCONE's file shield protects is kept in the document and never opened, read or moved here. */
  private static void refuseSconeFileShield(Session session, VolumeSpec v) {
    if (v.sconeFileShield()) {
      throw new CasException(403, "scone_file_shield", "volume " + v.name() + " of session " + session.name()
          + " is protected by SCONE's file shield (its fspf_tag is SCONE's), which Confide cannot open",
          "seal its files with Confide ('confide volume seal') and give that key and tag");
    }
  }

  private VolumeState state(Connection c, Session session, VolumeSpec v) throws SQLException {
    Target t = target(c, session, v);
    return state(t.session(), v, store.volume(c, t.session(), t.volume()));
  }

  /** The state of volume {@code v} held by session {@code holder}, from its row (empty: not used yet). */
  private static VolumeState state(String holder, VolumeSpec v, Optional<StoredVolume> row) {
    String policy = row.map(StoredVolume::updatePolicy).orElse(v.updatePolicy());
    String volume = row.map(StoredVolume::name).orElse(v.importFrom() == null ? v.name() : v.importFrom().volume());
    return new VolumeState(holder, volume, policy, row.map(StoredVolume::tag).map(Tag::new).orElse(null),
        row.map(StoredVolume::generation).orElse(0L));
  }

  /** The session and volume that really hold a (possibly imported) volume. */
  record Target(String session, String volume, String updatePolicy) {
    String subject() {
      return session + "/" + volume;
    }
  }

  Target target(Connection c, Session session, VolumeSpec v) throws SQLException {
    refuseSconeFileShield(session, v);
    if (v.importFrom() == null) {
      return new Target(session.name(), v.name(), v.updatePolicy());
    }
    StoredSession exporter = store.session(c, v.importFrom().session(), false).orElseThrow(() -> unresolved(
        "volume " + v.name() + " imports from session " + v.importFrom().session() + ", which does not exist"));
    VolumeSpec source = documents.of(exporter.hash(), exporter.document()).volume(v.importFrom().volume())
        .orElseThrow(() -> unresolved("session " + v.importFrom().session() + " has no volume " + v.importFrom().volume()));
    refuseSconeFileShield(documents.of(exporter.hash(), exporter.document()), source);
    return new Target(exporter.name(), source.name(), source.updatePolicy());
  }

  StoredVolume firstUse(Connection c, Target target) throws SQLException {
    Optional<StoredVolume> row = store.volume(c, target.session(), target.volume());
    if (row.isPresent()) {
      return row.get();
    }
    byte[] key = new byte[32];
    random.nextBytes(key);
    StoredVolume fresh = new StoredVolume(target.session(), target.volume(), target.updatePolicy(),
        Base64.getEncoder().encodeToString(masterKey.seal(key, volumeBoundTo(target))), null, 0);
    java.util.Arrays.fill(key, (byte) 0);
    if (store.insertVolume(c, fresh)) {
      audit.append(c, "volume.create", "cas", target.subject(), target.updatePolicy());
      return fresh;
    }
    return store.volume(c, target.session(), target.volume()).orElseThrow();
  }

  /** Where a service's literal {@code fspf_key} is kept: a name no secret of a session can have. */
  static String treeKeyName(String service) {
    return "fspf_key/" + service;
  }

  /**
   * A service's {@code fspf_key} written as hex is a key like any other: stored sealed under the
   * master key beside the session's secrets (the canonical document holds only its digest) and
   * released only inside an attested run's configuration.
   */
  private List<StoredSecret> withTreeKeys(Session session, List<StoredSecret> secrets) {
    List<StoredSecret> all = new ArrayList<>(secrets);
    for (dev.confide.policy.Service svc : session.services()) {
      String key = svc.fspfKey();
      if (key != null && !dev.confide.policy.SecretReferences.isPlaceholder(key)) {
        String name = treeKeyName(svc.name());
        all.add(new StoredSecret(session.name(), name, "fspf-key", "given", KeyDigests.sha256Hex(key.getBytes(StandardCharsets.UTF_8)),
            Base64.getEncoder().encodeToString(masterKey.seal(key.getBytes(StandardCharsets.UTF_8), SecretPlan.boundTo(session.name(), name)))));
      }
    }
    return all;
  }

  /** The literal {@code fspf_key} of {@code service}, for an attested run; null when the session gives none. */
  String treeKey(Connection c, String sessionName, String service) throws SQLException {
    StoredSecret stored = store.secrets(c, sessionName).get(treeKeyName(service));
    return stored == null ? null : new String(masterKey.open(Base64.getDecoder().decode(stored.sealed()),
        SecretPlan.boundTo(sessionName, treeKeyName(service))), StandardCharsets.UTF_8);
  }

  /**
   * Volumes the user sealed themselves bring their key and tag; the CAS takes them when it first
   * learns of the volume. Afterwards the CAS's own record rules: a key given again is ignored, and
   * the tag moves only by swaps.
   */
  private void adoptGivenKeys(Connection c, Session session) throws SQLException {
    for (VolumeSpec v : session.volumes()) {
      if (v.key() == null || v.sconeFileShield() || store.volume(c, session.name(), v.name()).isPresent()) {
        continue;
      }
      Target target = new Target(session.name(), v.name(), v.updatePolicy());
      byte[] key = java.util.HexFormat.of().parseHex(v.key());
      StoredVolume given = new StoredVolume(target.session(), target.volume(), target.updatePolicy(),
          Base64.getEncoder().encodeToString(masterKey.seal(key, volumeBoundTo(target))), v.tag(), v.tag() == null ? 0 : 1);
      java.util.Arrays.fill(key, (byte) 0);
      if (store.insertVolume(c, given)) {
        store.recordTag(c, target.session(), target.volume(), v.tag());
        audit.append(c, "volume.create", "cas", target.subject(), target.updatePolicy() + " key given"
            + (v.tag() == null ? "" : " tag=" + v.tag()));
      }
    }
  }

  static String volumeBoundTo(Target t) {
    return "confide-cas volume key\0" + t.session() + "\0" + t.volume();
  }

  /** Every import of {@code session} (whose hash is {@code hash}) must be exported to it, pinned or not. */
  private void checkImports(Connection c, Session session, String hash) throws SQLException {
    for (SecretSpec s : session.secrets()) {
      if (s.imported()) {
        Session exporter = exporter(c, s.importFrom().session(), "secret " + s.name());
        SecretSpec source = exporter.secret(s.importFrom().secret()).orElseThrow(() -> unresolved(
            "session " + exporter.name() + " has no secret " + s.importFrom().secret()));
        // a public certificate (export_public) is every session's to import, as its public part
        if (!source.exportsPublic() || exportedTo(source, session.name())) {
          checkExport(source.export(), exporter.name(), "secret " + source.name(), session.name(), hash);
        }
      }
    }
    for (VolumeSpec v : session.volumes()) {
      if (v.importFrom() != null) {
        Session exporter = exporter(c, v.importFrom().session(), "volume " + v.name());
        VolumeSpec source = exporter.volume(v.importFrom().volume()).orElseThrow(() -> unresolved(
            "session " + exporter.name() + " has no volume " + v.importFrom().volume()));
        checkExport(source.export(), exporter.name(), "volume " + source.name(), session.name(), hash);
      }
    }
    imports.check(c, session, hash);
  }

  /** Whether {@code source}'s own export list admits {@code importer} (an export_public secret is importable without). */
  private static boolean exportedTo(SecretSpec source, String importer) {
    return source.export().stream().anyMatch(e -> e.admits(importer));
  }

  /**
   * The public parts of session {@code sessionName}'s {@code export_public} secrets (their
   * certificates), for anyone: {@code GET /v1/values}. A session without any, and one that does
   * not exist, are refused alike.
   */
  public dev.confide.cas.api.PublicValues publicValues(String sessionName) {
    return store.read(c -> {
      Optional<StoredSession> stored = store.session(c, sessionName, false);
      Map<String, dev.confide.cas.api.PublicValues.Value> values = new java.util.TreeMap<>();
      if (stored.isPresent()) {
        Session session = documents.of(stored.get().hash(), stored.get().document());
        Map<String, StoredSecret> own = store.secrets(c, sessionName);
        for (SecretSpec spec : session.secrets()) {
          StoredSecret s = own.get(spec.name());
          if (spec.exportsPublic() && !spec.imported() && s != null) {
            byte[] full = opened(sessionName, spec.name(), s);
            values.put(spec.name(), new dev.confide.cas.api.PublicValues.Value(spec.kind(),
                new String(PublicParts.of(full), StandardCharsets.US_ASCII)));
            java.util.Arrays.fill(full, (byte) 0);
          }
        }
      }
      if (values.isEmpty()) {
        throw CasException.notFound("session " + sessionName + " makes no value public",
            "its owner marks x509 or pgp-key secrets export_public: true");
      }
      return new dev.confide.cas.api.PublicValues(sessionName, values);
    });
  }

  private Session exporter(Connection c, String name, String what) throws SQLException {
    StoredSession stored = store.session(c, name, false)
        .orElseThrow(() -> unresolved(what + " imports from session " + name + ", which does not exist"));
    return documents.of(stored.hash(), stored.document());
  }

  /** The value of secret {@code name} of session {@code owner}, as stored ({@code stored}: its row, null when missing). */
  private byte[] opened(String owner, String name, StoredSecret stored) {
    if (stored == null) {
      throw new CasException(500, "integrity", "secret " + name + " of session " + owner + " is missing from the database",
          "restore the database from a backup");
    }
    return masterKey.open(Base64.getDecoder().decode(stored.sealed()), SecretPlan.boundTo(owner, name));
  }

  /**
   * Refuses an import {@code exports} does not admit; {@code hash}: the importer's session hash,
   * null while it is not known yet (a config-fragment read while the importer is parsed), when a
   * pinned export is checked later, with the importer's other imports.
   */
  static void checkExport(List<Export> exports, String exporter, String what, String importer, String hash) {
    Optional<Export> export = exports.stream()
        .filter(e -> e.admits(importer)).findFirst();
    if (export.isEmpty()) {
      throw CasException.conflict("import_refused", "session " + exporter + " does not export " + what + " to " + importer,
          "ask the owner of " + exporter + " to add an export for " + importer);
    }
    String pinned = export.get().sessionHash();
    if (pinned != null && hash != null && !pinned.equals(hash)) {
      throw CasException.conflict("export_pinned", "session " + exporter + " exports " + what + " to " + importer
          + " only at session hash " + pinned + ", and this version of " + importer + " hashes to " + hash,
          "ask the owner of " + exporter + " to pin " + hash + " ('confide session hash FILE' prints it)");
    }
  }

  /** An import whose exporter, or the definition it names, is not there. */
  static CasException unresolved(String message) {
    return CasException.conflict("import_unresolved", message, "fix the import or create the exporting session first");
  }
}
