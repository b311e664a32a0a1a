package dev.confide.cas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HybridConfig;
import dev.confide.attest.AttestationException;
import dev.confide.attest.Evidence;
import dev.confide.attest.EvidenceVerifier;
import dev.confide.attest.ReportData;
import dev.confide.attest.SimEvidence;
import dev.confide.cas.CasStore.StoredSession;
import dev.confide.cas.CasStore.StoredVolume;
import dev.confide.cas.api.AttestNonce;
import dev.confide.cas.api.AttestRequest;
import dev.confide.cas.api.AttestResponse;
import dev.confide.cas.api.RunConfiguration;
import dev.confide.cas.api.RunPlan;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.RunProof;
import dev.confide.policy.Image;
import dev.confide.policy.RunCommand;
import dev.confide.policy.Security;
import dev.confide.policy.Service;
import dev.confide.policy.Session;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.Tag;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The attestation handshake (DESIGN.md, "Attestation and the run"): a single-use nonce; evidence
 * whose report data is H(nonce ‖ runtime key) and whose measurement the service lists; then the
 * run's configuration — command, environment, volume keys and expected tags, secrets, a run token —
 * sealed with HPKE to the runtime's key. Every release is in the audit log.
 */
public final class CasAttestation {
  /** Bound into every sealed configuration, so it cannot be taken for anything else. */
  static final byte[] CONTEXT = dev.confide.cas.common.SealedContexts.bytes(dev.confide.cas.common.SealedContexts.CONFIGURATION);
  /** Bound into every sealed plan, so a plan and a configuration are never taken for one another. */
  static final byte[] PLAN_CONTEXT = dev.confide.cas.common.SealedContexts.bytes(dev.confide.cas.common.SealedContexts.PLAN);
  static final long NONCE_MILLIS = 60_000;
  static final int NONCES_PER_CALLER = 200;
  static final int NONCES_IN_TOTAL = 20_000;

  private final CasService service;
  private final EvidenceVerifier verifier = new EvidenceVerifier();
  private final SecureRandom random = new SecureRandom();
  /** Shared by every CAS of the process (configured once): a CAS started per run reads evidence with a warm mapper. */
  private static final ObjectMapper JSON = JsonMapper.builder().addModule(dev.confide.cas.api.WireTypes.module()).build();

  /** The VCEKs and VLEKs an operator imported ({@code confide cas collateral import}); read at each hardware attestation. */
  private final java.nio.file.Path collateral;

  private final OneTimePasswords oneTimePasswords;

  CasAttestation(CasService service, java.nio.file.Path collateral) {
    this.service = service;
    this.collateral = collateral;
    this.oneTimePasswords = new OneTimePasswords(java.time.Clock.systemUTC());
    try {
      HybridConfig.register();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink's hybrid encryption is unavailable", e);
    }
  }

  public AttestNonce nonce(String caller) {
    return service.store().transaction(c -> issueNonce(c, caller));
  }


  /**
   * Nonces anyone may ask for without a certificate, so each caller (client address) may hold at
   * most {@value #NONCES_PER_CALLER} unused ones and the CAS {@value #NONCES_IN_TOTAL}; expired
   * ones are deleted as new ones are issued.
   */
  private AttestNonce issueNonce(Connection c, String caller) throws SQLException {
    long now = System.currentTimeMillis();
    CasStore store = service.store();
    store.purgeNonces(c, now);
    boolean callerFull = store.outstandingNonces(c, caller, now) >= NONCES_PER_CALLER;
    if (callerFull || store.outstandingNonces(c, null, now) >= NONCES_IN_TOTAL) {
      throw new CasException(429, "too_many_nonces", "too many unused nonces are outstanding"
          + (callerFull ? " for " + caller : " at this CAS"),
          "use the nonces you asked for; unused ones expire after " + NONCE_MILLIS / 1000 + " s");
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String nonce = HexFormat.of().formatHex(bytes);
    long expires = now + NONCE_MILLIS;
    store.insertNonce(c, nonce, expires, caller);
    return new AttestNonce(nonce, Instant.ofEpochMilli(expires).toString());
  }

  /**
   * A session and one of its services, as attestation names them; either may be absent (null), and
   * then evidence is refused exactly as for a session that trusts no host: who holds no trusted host
   * key cannot tell a session that exists from one that does not. {@code service} is the service
   * as it runs ({@code resolved}: an imported one is the exporter's definition); an import that
   * does not resolve is {@code unresolved}, told only to whom the session's hosts admit.
   */
  private record Target(Session session, Service service, String creator, ImportedDefinitions.Resolved resolved,
      CasException unresolved) {
    Target requireFound(String sessionName, String serviceName) {
      if (session == null) {
        throw CasException.notFound("session " + sessionName + " does not exist", "check the name");
      }
      if (service == null) {
        throw CasException.notFound("session " + session.name() + " has no service " + serviceName, "check the service name");
      }
      return this;
    }

    /** The same service under the rules of the session that exports its definition. */
    Target underExporter() {
      ImportedDefinitions.Exporter from = resolved.serviceFrom();
      return new Target(from.session(), service, from.creator(), resolved, null);
    }
  }

  private Target lookup(Connection c, String sessionName, String serviceName) throws SQLException {
    java.util.Optional<StoredSession> stored = service.store().session(c, sessionName, false);
    if (stored.isEmpty()) {
      return new Target(null, null, null, null, null);
    }
    Session session = service.documents().of(stored.get().hash(), stored.get().document());
    Service own = session.service(serviceName).orElse(null);
    if (own == null) {
      return new Target(session, null, stored.get().creator(), null, null);
    }
    try {
      ImportedDefinitions.Resolved r = service.imports().resolve(c, session, stored.get().hash(), own, true);
      return new Target(session, r.service(), stored.get().creator(), r, null);
    } catch (CasException e) {
      return new Target(session, own, stored.get().creator(), null, e);
    }
  }

  /**
   * Checks the evidence as {@link #verify} does; for an imported service, under the exporter's rules
   * too (its tolerations and trusted hosts guard what its definition releases, as the importer's
   * guard the importer's volumes and secrets). An import that does not resolve is refused once
   * the evidence has shown a host the session trusts.
   */
  private EvidenceVerifier.Verified verifyAll(Connection c, AttestRequest request, Target target, String reportData,
      boolean measured) throws SQLException {
    if (target.unresolved() != null) {
      verify(c, request, target, reportData, false);
      throw target.unresolved();
    }
    EvidenceVerifier.Verified verified = verify(c, request, target, reportData, measured);
    if (target.resolved() != null && target.resolved().serviceFrom() != null) {
      verify(c, request, target.underExporter(), reportData, measured);
    }
    return verified;
  }

  /** The request's keys and nonce, checked, with the nonce spent (whatever the outcome of the attempt). */
  private record Admitted(String reportData, HybridEncrypt sealTo) {}

  private Admitted admit(AttestRequest request) {
    if (request == null || request.session() == null || request.service() == null || request.nonce() == null
        || request.evidence() == null || request.runtimeKey() == null || request.runKey() == null
        || request.platform() == null) {
      throw CasException.badRequest("an attestation needs session, service, nonce, platform, evidence, runtime_key and run_key",
          "send what the runtime produces");
    }
    Admitted admitted;
    try {
      byte[] runtimeKey = Base64.getDecoder().decode(request.runtimeKey());
      byte[] runKey = Base64.getDecoder().decode(request.runKey());
      if (!RunProof.wellFormed(runKey)) {
        throw new IllegalArgumentException("run_key");
      }
      byte[] nonce = HexFormat.of().parseHex(request.nonce());
      admitted = new Admitted(ReportData.of(nonce, runtimeKey, runKey), TinkProtoKeysetFormat.parseKeysetWithoutSecret(runtimeKey)
          .getPrimitive(RegistryConfiguration.get(), HybridEncrypt.class));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw CasException.badRequest("the nonce, runtime key or run key is malformed",
          "send a hex nonce, a base64 Tink HPKE public keyset and a base64 X.509 Ed25519 public key");
    }
    service.store().transaction(c -> {
      service.store().consumeNonce(c, request.nonce(), System.currentTimeMillis());
      return null;
    });
    return admitted;
  }

  /**
   * The plan step: evidence from a trusted host (any measurement: the runtime does not know yet
   * what it will run) gets what the service's command starts and its PATH, sealed to the runtime's
   * key with context {@link #PLAN_CONTEXT}. Nobody else learns them, or whether the session exists.
   */
  public AttestResponse plan(AttestRequest request) {
    Admitted admitted = admit(request);
    return service.store().transaction(c -> {
      Target named = lookup(c, request.session(), request.service());
      verifyAll(c, request, named, admitted.reportData(), false);
      Service svc = named.requireFound(request.session(), request.service()).service();
      RunPlan plan = new RunPlan(RunCommand.executable(svc.command()), svc.environment().getOrDefault("PATH", RunCommand.DEFAULT_PATH),
          svc.measuredTrees());
      try {
        return new AttestResponse(Base64.getEncoder().encodeToString(admitted.sealTo().encrypt(JSON.writeValueAsBytes(plan), PLAN_CONTEXT)));
      } catch (JsonProcessingException | GeneralSecurityException e) {
        throw new IllegalStateException("cannot seal the plan", e);
      }
    });
  }

  public AttestResponse attest(AttestRequest request) {
    Admitted admitted = admit(request);
    String[] checkedOtpOf = new String[1];
    try {
      return attest(request, admitted, checkedOtpOf);
    } catch (CasException e) {
      if (checkedOtpOf[0] != null && OneTimePasswords.WRONG.contains(e.error())) {
        oneTimePasswords.countWrong(service.store(), checkedOtpOf[0]);
      }
      throw e;
    }
  }

  private AttestResponse attest(AttestRequest request, Admitted admitted, String[] checkedOtpOf) {
    HybridEncrypt sealTo = admitted.sealTo();
    CasStore store = service.store();
    return store.transaction(c -> {
      Target named = lookup(c, request.session(), request.service());
      EvidenceVerifier.Verified verified = verifyAll(c, request, named, admitted.reportData(), true);
      named.requireFound(request.session(), request.service());
      // the session's guards, and the exporter's for an imported service: both guard what the run gets
      List<Session> guards = java.util.stream.Stream.of(named.session(), named.resolved().serviceFrom() == null ? null
          : named.resolved().serviceFrom().session()).filter(java.util.Objects::nonNull).toList();
      for (Session s : guards) {
        if (s.security().needsServiceAccessToken()) {
          ServiceAccessTokens.check(s, request.accessToken());
        }
      }
      for (Session s : guards) {
        if (s.security().attestation().needsOneTimePassword()) {
          checkedOtpOf[0] = s.name();
          oneTimePasswords.check(c, store, s, request.otp());
        }
      }
      Session session = named.session();
      Service svc = named.service();
      Image image = named.resolved().image();
      if (svc.sconeFileShield()) {
        throw new CasException(403, "scone_file_shield", "service " + svc.name() + " of session " + session.name()
            + " runs from a tree protected by SCONE's file shield (its fspf_tag is SCONE's), which Confide's runtime cannot open",
            "protect the tree with Confide ('confide tree authenticate' or 'confide image convert') and give its fspf_key and fspf_tag");
      }
      if (image != null && !image.admits(verified.measurement())) {
        throw new CasException(403, "attestation_measurement_not_allowed", "image " + image.name() + " of session "
            + session.name() + " admits only the measurements its 'mrenclaves' lists, and the runtime measured "
            + verified.measurement(), "add the measurement to the image's mrenclaves, or run a program it lists");
      }
      String caller = "runtime:" + verified.hostKeyHash().substring(0, 16);
      Map<String, String> secrets = new LinkedHashMap<>();
      service.secretValues(c, session.name(), caller).forEach((k, v) -> secrets.put(k, Base64.getEncoder().encodeToString(v)));
      for (ImportedDefinitions.Exporter from : java.util.stream.Stream.of(named.resolved().serviceFrom(),
          named.resolved().imageFrom()).filter(java.util.Objects::nonNull).distinct().toList()) {
        // the exporter's definitions name its own secrets: those, and only those, go with them
        Set<String> wanted = named.resolved().namedBy(from);
        if (!wanted.isEmpty()) {
          service.secretValues(c, from.session().name(), caller).forEach((k, v) -> {
            if (wanted.contains(k)) {
              secrets.put(k, Base64.getEncoder().encodeToString(v));
            }
          });
        }
      }
      List<RunConfiguration.Mount> mounts = new ArrayList<>();
      if (image != null) {
        for (Image.Mount m : image.volumes()) {
          CasService.Target target = service.target(c, session, session.volume(m.name()).orElseThrow());
          StoredVolume row = service.firstUse(c, target);
          byte[] key = service.masterKey().open(Base64.getDecoder().decode(row.sealedKey()), CasService.volumeBoundTo(target));
          mounts.add(new RunConfiguration.Mount(m.name(), m.path(), SymmetricKey.of(key),
              row.tag() == null ? null : new Tag(row.tag()), row.updatePolicy(), !m.writable()));
          java.util.Arrays.fill(key, (byte) 0);
        }
      }
      long now = System.currentTimeMillis();
      if (guards.stream().anyMatch(s -> s.security().singleton())) {
        SingletonRuns.claim(c, store, session.name(), svc.name(), now);
      }
      String token = service.runTokens().issue(c, session.name(), svc.name(), request.runKey(), now);
      for (RunConfiguration.Mount m : mounts) {
        service.runTokens().grant(c, token, m.volume(), m.tag() == null ? null : m.tag().hex(), !m.readOnly());
      }
      service.auditChain().append(c, "attest", caller, session.name() + "/" + svc.name(),
          verified.platform() + " measurement=" + verified.measurement() + " volumes=" + mounts.size());
      List<RunConfiguration.InjectionFile> injections = image == null ? List.of()
          : image.injectionFiles().stream().map(f -> new RunConfiguration.InjectionFile(f.path(), f.content())).toList();
      ImportedDefinitions.Exporter definer = named.resolved().serviceFrom();
      // a literal fspf_key is kept with the session that defines the service
      String treeSession = definer == null ? session.name() : definer.session().name();
      String treeService = named.resolved().definedAs();
      RunConfiguration config = new RunConfiguration(session.name(), svc.name(), verified.measurement(), svc.command(),
          svc.environment(), svc.pwd(), mounts, secrets, token, injections, svc.networkAllowed(), svc.streamOutputAllowed(),
          svc.fspfPath() == null ? null : new RunConfiguration.ImageTree(svc.fspfPath(),
              svc.fspfKey() != null ? svc.fspfKey() : service.treeKey(c, treeSession, treeService), svc.fspfTag()),
          svc.user());
      try {
        byte[] plaintext = JSON.writeValueAsBytes(config);
        byte[] sealed = sealTo.encrypt(plaintext, CONTEXT);
        java.util.Arrays.fill(plaintext, (byte) 0);
        return new AttestResponse(Base64.getEncoder().encodeToString(sealed));
      } catch (JsonProcessingException | GeneralSecurityException e) {
        throw new IllegalStateException("cannot seal the configuration", e);
      }
    });
  }

  /** Checks the evidence against the target (an absent session trusts no host); {@code measured}: against the service's mrenclave too. */
  private EvidenceVerifier.Verified verify(Connection c, AttestRequest request, Target target, String reportData, boolean measured)
      throws SQLException {
    Set<String> measurements = new LinkedHashSet<>();
    List<EvidenceVerifier.SnpAlternative> snp = new ArrayList<>();
    List<EvidenceVerifier.TdxAlternative> tdx = new ArrayList<>();
    if (target.service() != null) {
      for (Service.AttestationAlternative a : target.service().attestation()) {
        if (a.sgx()) {
          continue; // met by Intel SGX evidence only, which this CAS does not verify (refused below, by name)
        } else if (a.tdx() != null) {
          Map<Integer, String> rtmr = new LinkedHashMap<>();
          a.tdx().rtmr().forEach((k, v) -> rtmr.put(Integer.parseInt(k), v));
          tdx.add(new EvidenceVerifier.TdxAlternative(Set.copyOf(a.tdx().mrtd()), rtmr, Set.copyOf(a.mrenclave())));
        } else if (!a.hardware()) {
          // simulated evidence meets only the alternatives that ask for no hardware
          measurements.addAll(a.mrenclave());
        } else {
          snp.add(new EvidenceVerifier.SnpAlternative(Set.copyOf(a.snp().measurement()), a.snp().minTcb() == null ? null
              : dev.confide.attest.snp.SnpTcb.parse(a.snp().minTcb()).orElseThrow(), a.snp().vmpl(), Set.copyOf(a.mrenclave())));
        }
      }
    }
    Security.Attestation policy = target.session() == null ? null : target.session().security().attestation();
    boolean simulation = policy != null && policy.tolerates(Security.Attestation.SIMULATION);
    try {
      Evidence evidence = Evidence.decode(request.platform(), request.evidence());
      Set<String> trusted = new LinkedHashSet<>();
      dev.confide.attest.snp.SnpCollateral keys = null;
      dev.confide.attest.tdx.TdxCollateral intel = null;
      switch (evidence) {
        case SimEvidence sim -> {
          // the hosts this session trusts: those it lists, and the one that signed, if the session's creator vouched for it
          String signer = EvidenceVerifier.hostKeyHash(sim);
          if (policy != null) {
            trusted.addAll(policy.simHosts());
            if (service.store().simHostRegistered(c, target.creator(), signer)) {
              trusted.add(signer);
            }
          }
        }
        case dev.confide.attest.TdxEvidence hardware -> intel = collateral(dev.confide.attest.tdx.TdxCollateral::load);
        case dev.confide.attest.SnpEvidence hardware -> keys = collateral(dev.confide.attest.snp.SnpCollateral::load);
      }
      return verifier.verify(evidence, new EvidenceVerifier.Expectations(reportData, measured ? measurements : null,
          simulation, trusted, snp, policy == null ? Set.of() : Set.copyOf(policy.tolerate()), keys, Instant.now(), tdx, intel,
          policy == null ? Set.of() : Set.copyOf(policy.ignoreAdvisories())));
    } catch (AttestationException e) {
      if (e.reason() == AttestationException.Reason.MEASUREMENT_NOT_ALLOWED && sgxOnly(target.service())) {
        throw new CasException(403, "attestation_needs_sgx", "service " + target.service().name() + " accepts only Intel SGX"
            + " evidence (its attestation names mrsigner, isvprodid, isvsvn or platforms), and the runtime sent "
            + request.platform() + " evidence; this CAS verifies SEV-SNP, TDX and simulated evidence",
            "add an alternative with the mrenclave 'confide measure' prints (and snp or tdx for a TEE host)");
      }
      throw new CasException(403, "attestation_" + e.reason().name().toLowerCase(java.util.Locale.ROOT),
          e.getMessage(), e.hint());
    }
  }

  /** Whether every alternative of {@code service} needs SGX evidence (and it has at least one). */
  private static boolean sgxOnly(Service service) {
    return service != null && !service.attestation().isEmpty()
        && service.attestation().stream().allMatch(Service.AttestationAlternative::sgx);
  }

  /** Reads the collateral folder, as {@code reader} understands it; read anew at each attestation, so an import counts at once. */
  private <T> T collateral(CollateralReader<T> reader) throws AttestationException {
    try {
      return reader.read(collateral);
    } catch (java.io.IOException e) {
      throw new AttestationException(AttestationException.Reason.NO_COLLATERAL, "the CAS cannot read its collateral folder "
          + collateral + ": " + e.getMessage(), "check the folder 'confide cas collateral import' fills");
    }
  }

  @FunctionalInterface
  private interface CollateralReader<T> {
    T read(java.nio.file.Path dir) throws java.io.IOException;
  }
}
