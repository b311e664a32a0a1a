package dev.confide.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A program the session allows to run: its command, environment and working directory come from
 * here, never from the host; {@code attestation} lists the accepted measurements. It has no network
 * and its output stays inside the output volume unless {@code network} / {@code stream_output} say so.
 * {@code measured_trees} (a Confide extension) names folders the program loads from, measured with
 * its executable (Blender's {@code /usr/share/blender}, the Python it runs): a changed file there
 * gives another measurement. {@code user} (a Confide extension, {@code UID:GID}, never 0) is the
 * account the sandbox runs the program as (default 1000:1000): a converted image's own user.
 */
public record Service(
    String name,
    @JsonProperty("image_name") String imageName,
    String command,
    Map<String, String> environment,
    String pwd,
    @com.fasterxml.jackson.annotation.JsonFormat(with = com.fasterxml.jackson.annotation.JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
    List<AttestationAlternative> attestation,
    List<String> mrenclaves,
    @JsonProperty("fspf_path") String fspfPath,
    @JsonProperty("fspf_key") String fspfKey,
    @JsonProperty("fspf_tag") String fspfTag,
    Boolean network,
    @JsonProperty("stream_output") Boolean streamOutput,
    @JsonProperty("measured_trees") List<String> measuredTrees,
    String user,
    @JsonProperty("import") ServiceImport importFrom,
    @com.fasterxml.jackson.annotation.JsonFormat(with = com.fasterxml.jackson.annotation.JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
    List<Export> export) {

  public Service {
    environment = environment == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    attestation = attestation == null ? List.of() : List.copyOf(attestation);
    // SCONE's shorthand: 'mrenclaves: [A, B]' is one more alternative {mrenclave: [A, B]}
    if (mrenclaves != null && !mrenclaves.isEmpty()) {
      List<AttestationAlternative> all = new java.util.ArrayList<>(attestation);
      all.add(new AttestationAlternative(mrenclaves));
      attestation = List.copyOf(all);
    }
    mrenclaves = null;
    pwd = pwd == null ? "/" : pwd;
    network = network != null && network;
    streamOutput = streamOutput != null && streamOutput;
    measuredTrees = measuredTrees == null ? List.of() : List.copyOf(measuredTrees);
    export = export == null ? List.of() : List.copyOf(export);
  }

  /**
   * Another session's service, run as that session defines it (SCONE's {@code services[].import},
   * seed 000's user session importing the image creator's {@code blender}): {@code service}
   * defaults to the importing service's own name. SCONE writes it as the session's name alone.
   */
  public record ServiceImport(String session, String service) {
    @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.PROPERTIES)
    public ServiceImport(@JsonProperty("session") String session, @JsonProperty("service") String service) {
      this.session = session;
      this.service = service;
    }

    @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
    static ServiceImport named(String session) {
      return new ServiceImport(session, null);
    }
  }

  /** Whether its tree is protected by SCONE's file shield ({@link SconeFileShield}): kept, never run here. */
  public boolean sconeFileShield() {
    return SconeFileShield.isTag(fspfTag);
  }

  /** Whether this service is another session's (its definition is resolved by the CAS). */
  public boolean imported() {
    return importFrom != null;
  }

  /**
   * What runs when this importing service runs: {@code source} (the exporter's service) under this
   * service's name, in this session's image ({@code image_name} here, else the exporter's).
   */
  public Service runningAs(Service source) {
    return new Service(name, imageName != null ? imageName : source.imageName, source.command, source.environment,
        source.pwd, source.attestation, null, source.fspfPath, source.fspfKey, source.fspfTag, source.network,
        source.streamOutput, source.measuredTrees, source.user, null, List.of());
  }

  /** Whether the program may reach the network (default: it has none). */
  public boolean networkAllowed() {
    return network;
  }

  /** Whether the host may see the program's output live (default: it goes only into the output volume). */
  public boolean streamOutputAllowed() {
    return streamOutput;
  }

  /** One accepted way to attest: any measurement of the list. */
  /**
   * One way a runtime may attest: {@code mrenclave}, the Confide measurements it may run (runtime,
   * program, measured trees), and, for hardware evidence, {@code snp}: what the AMD SEV-SNP guest
   * around it must be. An alternative without {@code snp} is met by simulated evidence only (where
   * the session tolerates simulation); one with it, by SEV-SNP evidence only;
   * {@code tdx} likewise for Intel TDX. An alternative names at most one of them.
   */
  public record AttestationAlternative(List<String> mrenclave, Snp snp, Tdx tdx,
      @com.fasterxml.jackson.annotation.JsonFormat(with = com.fasterxml.jackson.annotation.JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
      List<String> mrsigner,
      Integer isvprodid,
      Integer isvsvn,
      @com.fasterxml.jackson.annotation.JsonFormat(with = com.fasterxml.jackson.annotation.JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
      List<String> platforms) {
    public AttestationAlternative {
      mrenclave = mrenclave == null ? List.of() : List.copyOf(mrenclave);
      mrsigner = mrsigner == null || mrsigner.isEmpty() ? null : List.copyOf(mrsigner);
      platforms = platforms == null || platforms.isEmpty() ? null : List.copyOf(platforms);
    }

    public AttestationAlternative(List<String> mrenclave) {
      this(mrenclave, null, null, null, null, null, null);
    }

    public AttestationAlternative(List<String> mrenclave, Snp snp, Tdx tdx) {
      this(mrenclave, snp, tdx, null, null, null, null);
    }

    /** Whether it asks for hardware evidence (simulated evidence then does not meet it). */
    public boolean hardware() {
      return snp != null || tdx != null || sgx();
    }

    /**
     * Whether it names what only Intel SGX evidence carries (SCONE's {@code mrsigner},
     * {@code isvprodid}, {@code isvsvn}, {@code platforms}): kept, hashed, and met by SGX evidence
     * only, which this CAS does not verify; any other evidence is refused naming SGX.
     */
    public boolean sgx() {
      return mrsigner != null || isvprodid != null || isvsvn != null || platforms != null;
    }
  }

  /**
   * An Intel TDX guest: its MRTDs ({@code mrtd}, 96 hex digits each: the TD's initial contents as the
   * TDX module measured them) and, optionally, the values its runtime measurement registers must
   * hold ({@code rtmr: {0: HEX, 1: HEX}}).
   */
  public record Tdx(List<String> mrtd, Map<String, String> rtmr) {
    public Tdx {
      mrtd = mrtd == null ? List.of() : List.copyOf(mrtd);
      rtmr = rtmr == null ? Map.of() : Map.copyOf(rtmr);
    }
  }

  /**
   * An SEV-SNP guest: its launch measurements ({@code measurement}, 96 hex digits each; the VM's
   * firmware, kernel, initrd and command line as the AMD secure processor measured them at launch),
   * the minimum TCB ({@code min_tcb: "bl=3,tee=0,snp=8,ucode=115"}, below it only with
   * {@code tolerate: [outdated-tcb]}) and the VMPL its reports come from (default 0).
   */
  public record Snp(List<String> measurement, @JsonProperty("min_tcb") String minTcb, Integer vmpl) {
    public Snp {
      measurement = measurement == null ? List.of() : List.copyOf(measurement);
      vmpl = vmpl == null ? 0 : vmpl;
    }
  }

  @Override
  public String toString() {
    return "Service[" + name + "]";
  }
}
