package dev.confide.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The checks a bound session must pass: required fields, allowed values, references that resolve. */
final class SessionValidator {
  private static final Pattern SESSION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}(/[A-Za-z0-9][A-Za-z0-9._-]{0,63}){0,7}");
  private static final Pattern LOCAL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /** A service's account: a uid other than 0, optionally a gid, both at most 2^31 - 1. */
  private static final Pattern USER = Pattern.compile("[1-9][0-9]{0,8}(:[0-9]{1,9})?");
  private static final Pattern DURATION = Pattern.compile("[1-9][0-9]{0,5}[dhm]");

  private final Session session;
  private final List<SessionProblem> problems = new ArrayList<>();

  SessionValidator(Session session) {
    this.session = session;
  }

  List<SessionProblem> problems() {
    problems.clear();
    checkHeader();
    checkAccess();
    Set<String> secretNames = names("/secrets", session.secrets().stream().map(SecretSpec::name).toList(), LOCAL_NAME);
    Set<String> volumeNames = new HashSet<>(names("/volumes", session.volumes().stream().map(VolumeSpec::name).toList(), LOCAL_NAME));
    session.volumes().stream().map(VolumeSpec::alias).filter(java.util.Objects::nonNull).forEach(volumeNames::add);
    Set<String> imageNames = names("/images", session.images().stream().map(Image::name).toList(), LOCAL_NAME);
    names("/services", session.services().stream().map(Service::name).toList(), LOCAL_NAME);
    checkServices(imageNames, secretNames);
    checkVolumes();
    checkImages(volumeNames, secretNames);
    checkSecrets();
    checkSecurity();
    return List.copyOf(problems);
  }

  private void problem(String pointer, String message, String hint) {
    problems.add(new SessionProblem(pointer, message, hint));
  }

  private void checkHeader() {
    if (session.name() == null) {
      problem("", "the session has no 'name'", "add 'name: namespace/session'");
    } else if (!SESSION_NAME.matcher(session.name()).matches()) {
      problem("/name", "'" + session.name() + "' is not a session name",
          "use up to 8 '/'-separated parts of letters, digits, '.', '_' and '-'");
    }
    if (session.version() != null && session.version().matches("0\\.[012](\\..*)?")) {
      problem("/version", "this is a SCONE v" + session.version() + " session; Confide reads the v0.3 session language",
          "move it to v0.3 as SCONE's guide does (version: \"0.3\"; exports and imports name {session: NAME}; x509"
              + " secrets name their private_key) and check it with 'confide session lint'");
    }
    if (session.predecessor() != null && !HEX64.matcher(session.predecessor()).matches()) {
      problem("/predecessor", "'predecessor' must be a session hash (64 lower-case hex digits)",
          "copy it from 'confide session show' or let 'confide session update' fill it");
    }
  }

  private void checkAccess() {
    AccessPolicy a = session.accessPolicy();
    checkPrincipals("/access_policy/read", a.read());
    checkPrincipals("/access_policy/update", a.update());
    checkPrincipals("/access_policy/create_sessions", a.createSessions());
  }

  private void checkPrincipals(String pointer, List<String> list) {
    for (int i = 0; i < list.size(); i++) {
      String p = list.get(i);
      boolean keyword = p.equals(AccessPolicy.CREATOR) || p.equals(AccessPolicy.ANY) || p.equals(AccessPolicy.NONE);
      if (!keyword && !HEX64.matcher(p).matches()) {
        problem(pointer + "/" + i, "'" + p + "' is neither CREATOR, ANY, NONE nor a key hash",
            "a key hash is 64 lower-case hex digits, as 'confide identity show' prints it");
      }
    }
    if (list.contains(AccessPolicy.NONE) && list.size() > 1) {
      problem(pointer, "NONE must stand alone", "remove NONE or the other entries");
    }
  }

  private Set<String> names(String pointer, List<String> names, Pattern pattern) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      if (n == null) {
        problem(pointer + "/" + i, "an entry of '" + pointer.substring(1) + "' has no 'name'", "add 'name:'");
      } else if (!pattern.matcher(n).matches()) {
        problem(pointer + "/" + i + "/name", "'" + n + "' is not a valid name",
            "use letters, digits, '.', '_' and '-' (at most 64)");
      } else if (!seen.add(n)) {
        problem(pointer + "/" + i + "/name", "'" + n + "' is defined twice in '" + pointer.substring(1) + "'",
            "give each entry its own name");
      }
    }
    return seen;
  }

  private void checkServices(Set<String> imageNames, Set<String> secretNames) {
    for (int i = 0; i < session.services().size(); i++) {
      Service s = session.services().get(i);
      String at = "/services/" + i;
      checkExports(at + "/export", s.export());
      if (s.imported()) {
        checkServiceImport(at, s);
      } else if (s.command() == null || s.command().isBlank()) {
        problem(at, "service '" + s.name() + "' has no 'command'",
            // attestation measures the program the command names: it cannot be left to an image's entrypoint
            "add 'command: program arguments', or import the service from the session that defines it ('import: SESSION')");
      } else {
        try {
          if (SecretReferences.containsPlaceholder(RunCommand.executable(s.command()))) {
            problem(at + "/command", "the program a command starts cannot be a secret: attestation measures it",
                "name the program itself and pass secrets as arguments or environment");
          }
        } catch (IllegalArgumentException e) {
          problem(at + "/command", e.getMessage(), "close the quote");
        }
      }
      if (s.imageName() != null && !imageNames.contains(s.imageName())) {
        problem(at + "/image_name", "service '" + s.name() + "' names image '" + s.imageName()
            + "', which 'images' does not define", "define it under 'images' or fix the name");
      }
      if (!s.pwd().startsWith("/")) {
        problem(at + "/pwd", "'pwd' must be an absolute path", "start it with '/'");
      }
      if (!s.imported()) {
        checkReferences(at + "/command", s.command(), secretNames);
      }
      checkHostArguments(at + "/command", s.command());
      Set<String> named = new HashSet<>();
      for (Map.Entry<String, String> e : s.environment().entrySet()) {
        java.util.Optional<String> fromHost = HostInputs.variable(e.getKey());
        if (!ENV_NAME.matcher(e.getKey()).matches() && fromHost.isEmpty()) {
          problem(at + "/environment/" + e.getKey(), "'" + e.getKey() + "' is not an environment variable name",
              "use letters, digits and '_', not starting with a digit; \\@\\@NAME takes NAME's value from the host");
        } else if (!named.add(fromHost.orElse(e.getKey()))) {
          problem(at + "/environment/" + e.getKey(), "variable " + fromHost.orElse(e.getKey())
              + " is set twice: by the session and from the host", "keep one of them");
        }
        if (fromHost.isEmpty()) {
          checkNoHostInput(at + "/environment/" + e.getKey(), e.getValue(), "an environment value",
              "to take a variable's value from the host, name it \\@\\@" + e.getKey());
        }
        checkReferences(at + "/environment/" + e.getKey(), e.getValue(), secretNames);
      }
      for (int j = 0; j < s.attestation().size(); j++) {
        Service.AttestationAlternative alt = s.attestation().get(j);
        List<String> m = alt.mrenclave();
        checkSgx(at + "/attestation/" + j, alt);
        if (m.isEmpty() && !alt.sgx()) {
          problem(at + "/attestation/" + j, "an attestation alternative lists no 'mrenclave'",
              "add the measurement 'confide measure -- COMMAND' prints");
        }
        for (int k = 0; k < m.size(); k++) {
          if (!HEX64.matcher(m.get(k)).matches()) {
            problem(at + "/attestation/" + j + "/mrenclave/" + k, "'" + m.get(k) + "' is not a measurement",
                "a measurement is 64 lower-case hex digits, as 'confide measure' prints it");
          }
        }
        Service.Snp snp = s.attestation().get(j).snp();
        if (snp != null) {
          for (int k = 0; k < snp.measurement().size(); k++) {
            if (!snp.measurement().get(k).matches("[0-9a-f]{96}")) {
              problem(at + "/attestation/" + j + "/snp/measurement/" + k, "'" + snp.measurement().get(k)
                  + "' is not an SEV-SNP launch measurement", "give the 96 lower-case hex digits 'confide attest verify' prints");
            }
          }
          if (snp.minTcb() != null && (!snp.minTcb().matches(
              "(fmc=\\d{1,3},)?bl=\\d{1,3},tee=\\d{1,3},snp=\\d{1,3},ucode=\\d{1,3}")
              || java.util.Arrays.stream(snp.minTcb().split("[^0-9]+")).filter(n -> !n.isEmpty()).anyMatch(n -> Integer.parseInt(n) > 255))) {
            problem(at + "/attestation/" + j + "/snp/min_tcb", "'" + snp.minTcb() + "' is not a TCB",
                "write it as bl=N,tee=N,snp=N,ucode=N (fmc=N, first, on Turin)");
          }
          if (snp.vmpl() < 0 || snp.vmpl() > 3) {
            problem(at + "/attestation/" + j + "/snp/vmpl", "VMPL " + snp.vmpl() + " does not exist", "give 0 to 3");
          }
        }
        Service.Tdx tdx = s.attestation().get(j).tdx();
        if (tdx != null) {
          if (snp != null) {
            problem(at + "/attestation/" + j, "an attestation alternative names both 'snp' and 'tdx'", "give each its own alternative");
          }
          for (int k = 0; k < tdx.mrtd().size(); k++) {
            if (!tdx.mrtd().get(k).matches("[0-9a-f]{96}")) {
              problem(at + "/attestation/" + j + "/tdx/mrtd/" + k, "'" + tdx.mrtd().get(k) + "' is not an MRTD",
                  "give the 96 lower-case hex digits 'confide attest verify' prints");
            }
          }
          for (Map.Entry<String, String> r : tdx.rtmr().entrySet()) {
            if (!r.getKey().matches("[0-3]") || r.getValue() == null || !r.getValue().matches("[0-9a-f]{96}")) {
              problem(at + "/attestation/" + j + "/tdx/rtmr/" + r.getKey(), "'" + r.getKey() + ": " + r.getValue()
                  + "' is not an RTMR value", "give an index 0 to 3 and 96 lower-case hex digits");
            }
          }
        }
      }
      int fspf = (s.fspfPath() == null ? 0 : 1) + (s.fspfKey() == null ? 0 : 1) + (s.fspfTag() == null ? 0 : 1);
      if (fspf != 0 && fspf != 3) {
        problem(at, "service '" + s.name() + "' must give all of fspf_path, fspf_key and fspf_tag, or none",
            "'confide tree authenticate' prints the key file and tag for the tree");
      }
      if (s.fspfPath() != null && !s.fspfPath().startsWith("/")) {
        problem(at + "/fspf_path", "'fspf_path' must be an absolute path", "start it with '/'");
      }
      if (s.fspfKey() != null && !HEX64.matcher(s.fspfKey()).matches() && !isReference(s.fspfKey())) {
        problem(at + "/fspf_key", "'fspf_key' must be 64 lower-case hex digits or a $$CONFIDE::secret$$ ($$SCONE::secret$$)",
            "use the key 'confide tree authenticate' wrote");
      }
      // SCONE's file shield is kept (SconeFileShield): its service is refused when it would run
      if (s.fspfTag() != null && !SconeFileShield.isTag(s.fspfTag()) && !HEX64.matcher(s.fspfTag()).matches()) {
        problem(at + "/fspf_tag", "'fspf_tag' must be 64 lower-case hex digits",
            "use the tag 'confide tree authenticate' printed");
      }
      checkReferences(at + "/fspf_key", s.fspfKey(), secretNames);
      java.util.Set<String> trees = new java.util.HashSet<>();
      for (int j = 0; j < s.measuredTrees().size(); j++) {
        String t = s.measuredTrees().get(j);
        if (t == null || !t.startsWith("/") || t.contains("\0") || java.util.Arrays.asList(t.split("/")).contains("..")) {
          problem(at + "/measured_trees/" + j, "'" + t + "' is not an absolute path", "name a folder from '/', as /usr/share/blender");
        } else if (!trees.add(t)) {
          problem(at + "/measured_trees/" + j, "'" + t + "' is named twice", "name each measured tree once");
        }
      }
      if (s.user() != null && !USER.matcher(s.user()).matches()) {
        problem(at + "/user", "'" + s.user() + "' is not UID:GID of an account other than root",
            "give numbers, as 1000:1000; the sandbox never runs a program as root");
      }
    }
  }

  /**
   * An importing service runs the exporter's definition: it may restate {@code command} and
   * {@code pwd} (the CAS refuses them unless they are the exporter's) and choose its
   * {@code image_name}; whatever decides what the program is, sees or may do is the exporter's alone.
   */
  private void checkServiceImport(String at, Service s) {
    Service.ServiceImport from = s.importFrom();
    if (from.session() == null) {
      problem(at + "/import", "a service import needs the exporting 'session'", "write 'import: SESSION' or 'import: {session: SESSION}'");
    } else if (!SESSION_NAME.matcher(from.session()).matches()) {
      problem(at + "/import", "'" + from.session() + "' is not a session name", "name the session that exports the service");
    }
    if (from.service() != null && !LOCAL_NAME.matcher(from.service()).matches()) {
      problem(at + "/import/service", "'" + from.service() + "' is not a service name", "name the exporter's service");
    }
    String hint = "remove it: an imported service runs as its own session defines it";
    if (!s.environment().isEmpty()) {
      problem(at + "/environment", "an imported service takes its 'environment' from session " + from.session(), hint);
    }
    if (!s.attestation().isEmpty()) {
      problem(at + "/attestation", "an imported service takes its measurements ('attestation', 'mrenclaves') from session "
          + from.session(), hint);
    }
    if (s.fspfPath() != null || s.fspfKey() != null || s.fspfTag() != null) {
      problem(at + "/fspf_path", "an imported service takes its authenticated tree (fspf_path, fspf_key, fspf_tag) from session "
          + from.session(), hint);
    }
    if (!s.measuredTrees().isEmpty()) {
      problem(at + "/measured_trees", "an imported service takes its 'measured_trees' from session " + from.session(), hint);
    }
    if (s.user() != null) {
      problem(at + "/user", "an imported service takes its 'user' from session " + from.session(), hint);
    }
    if (s.networkAllowed() || s.streamOutputAllowed()) {
      problem(at + (s.networkAllowed() ? "/network" : "/stream_output"), "an imported service takes 'network' and"
          + " 'stream_output' from session " + from.session(), hint);
    }
    if (!s.export().isEmpty()) {
      problem(at + "/export", "an imported service cannot be exported again", "export it from its own session");
    }
  }

  /**
   * {@code @@N} words of a command (HostInputs): never the program, each position once; anything
   * else resembling a host input in it is refused.
   */
  private void checkHostArguments(String pointer, String command) {
    List<String> words;
    try {
      words = command == null ? List.of() : RunCommand.words(command);
    } catch (IllegalArgumentException unclosed) {
      return; // said above
    }
    Set<Integer> positions = new HashSet<>();
    for (int w = 0; w < words.size(); w++) {
      String word = words.get(w);
      java.util.OptionalInt n = HostInputs.argument(word);
      if (n.isPresent() && w == 0) {
        problem(pointer, "the program a command starts cannot be a host argument (" + word + "): attestation measures it",
            "name the program itself");
      } else if (n.isPresent() && !positions.add(n.getAsInt())) {
        problem(pointer, "host argument " + word + " appears twice in the command", "take each host argument once");
      } else if (n.isEmpty() && HostInputs.looksLike(word) != null) {
        problem(pointer, "'" + HostInputs.looksLike(word) + "' in the command is not a host argument",
            "a host argument is a whole word @@1, @@2, ...; environment variables from the host are named \\@\\@NAME");
      }
    }
  }

  private void checkNoHostInput(String pointer, String text, String what, String hint) {
    String found = HostInputs.looksLike(text);
    if (found != null) {
      problem(pointer, "'" + found + "' in " + what + " would reach the program as it is written, not from the host", hint);
    }
  }

  /** SCONE's SGX-only attestation fields: kept and hashed, so checked as SCONE would have them. */
  private void checkSgx(String at, Service.AttestationAlternative alt) {
    if (!alt.sgx()) {
      return;
    }
    if (alt.snp() != null || alt.tdx() != null) {
      problem(at, "an attestation alternative names SGX fields (mrsigner, isvprodid, isvsvn, platforms) and snp or tdx",
          "give each kind of evidence its own alternative");
    }
    List<String> signers = alt.mrsigner() == null ? List.of() : alt.mrsigner();
    for (int k = 0; k < signers.size(); k++) {
      if (signers.get(k) == null || !HEX64.matcher(signers.get(k)).matches()) {
        problem(at + "/mrsigner/" + k, "'" + signers.get(k) + "' is not an MRSIGNER", "give 64 lower-case hex digits");
      }
    }
    if (alt.isvprodid() != null && (alt.isvprodid() < 0 || alt.isvprodid() > 65535)) {
      problem(at + "/isvprodid", "isvprodid " + alt.isvprodid() + " is not a 16-bit product id", "give 0 to 65535");
    }
    if (alt.isvsvn() != null && (alt.isvsvn() < 0 || alt.isvsvn() > 65535)) {
      problem(at + "/isvsvn", "isvsvn " + alt.isvsvn() + " is not a 16-bit security version", "give 0 to 65535");
    }
    List<String> platforms = alt.platforms() == null ? List.of() : alt.platforms();
    for (int k = 0; k < platforms.size(); k++) {
      if (platforms.get(k) == null || !platforms.get(k).matches("[0-9a-fA-F]{2,128}")) {
        problem(at + "/platforms/" + k, "'" + platforms.get(k) + "' is not a platform id", "give the platform's hex id");
      }
    }
  }

  private static boolean isReference(String text) {
    return SecretReferences.isPlaceholder(text);
  }

  private void checkReferences(String pointer, String text, Set<String> secretNames) {
    for (SecretReferences.Reference r : SecretReferences.in(text, secretNames::contains)) {
      if (!secretNames.contains(r.secret())) {
        problem(pointer, r.written() + " names a secret that 'secrets' does not define",
            "define '" + r.secret() + "' under 'secrets' or fix the name");
      }
      if (r.format() != null && SecretReferences.BINARY_FORMATS.contains(r.format())) {
        problem(pointer, r.written() + " asks for the binary format '" + r.format()
            + "', and a command, an environment value or an injection file is text here",
            "use the PEM form (" + (r.format().startsWith("crt") ? "crt" : r.format().contains("privatekey")
                || r.format().startsWith("pkcs8") ? "privatekey" : "pem") + ") or :base64");
      } else if (r.format() != null && !SecretReferences.FORMATS.contains(r.format())) {
        problem(pointer, "'" + r.format() + "' is not a secret format", "use one of " + SecretReferences.FORMATS);
      }
    }
  }

  private void checkVolumes() {
    for (int i = 0; i < session.volumes().size(); i++) {
      VolumeSpec v = session.volumes().get(i);
      String at = "/volumes/" + i;
      if (v.alias() != null) {
        String alias = v.alias();
        long sameName = session.volumes().stream().filter(o -> alias.equals(o.name()) || o != v && alias.equals(o.alias())).count();
        if (!LOCAL_NAME.matcher(alias).matches()) {
          problem(at + "/volume_alias", "'" + alias + "' is not a volume name", "use letters, digits, '.', '_' and '-'");
        } else if (sameName > 0) {
          problem(at + "/volume_alias", "volume_alias '" + alias + "' already names a volume of this session",
              "give each volume names of its own");
        }
      }
      if (!VolumeSpec.UPDATE_POLICIES.contains(v.updatePolicy())) {
        problem(at + "/update_policy", "'" + v.updatePolicy() + "' is not an update policy",
            "use one of " + VolumeSpec.UPDATE_POLICIES);
      }
      checkExports(at + "/export", v.export());
      if (v.importFrom() != null) {
        if (v.importFrom().session() == null || v.importFrom().volume() == null) {
          problem(at + "/import", "a volume import needs 'session' and 'volume'", "name both");
        } else if (!SESSION_NAME.matcher(v.importFrom().session()).matches()) {
          problem(at + "/import/session", "'" + v.importFrom().session() + "' is not a session name", "fix the name");
        }
        if (!v.export().isEmpty()) {
          problem(at + "/export", "an imported volume cannot be exported again", "export it from its own session");
        }
        if (v.key() != null) {
          problem(at + "/key", "an imported volume has its key in the exporting session", "remove 'key'");
        }
      }
      if (v.key() != null && !HEX64.matcher(v.key()).matches()) {
        problem(at + "/key", "a volume 'key' must be 64 lower-case hex digits (32 bytes)",
            "use the key that sealed the volume ('confide volume seal --key-out' writes it)");
      }
      if (v.tag() != null && v.key() != null && SconeFileShield.isTag(v.tag())) {
        // SCONE's file shield: kept; the CAS refuses to open the volume (SconeFileShield)
      } else if (v.tag() != null && (v.key() == null || !HEX64.matcher(v.tag()).matches())) {
        problem(at + "/tag", v.key() == null ? "a volume 'tag' is only given together with its 'key'"
            : "a volume 'tag' must be 64 lower-case hex digits", "give the key and the tag that sealing printed");
      }
    }
  }

  private void checkExports(String pointer, List<Export> exports) {
    for (int j = 0; j < exports.size(); j++) {
      Export e = exports.get(j);
      if (e.session() == null && e.namespace() == null) {
        problem(pointer + "/" + j, "an export needs 'session' or 'namespace'", "name the session (or namespace) that may import");
      } else if (e.session() != null && e.namespace() != null) {
        problem(pointer + "/" + j, "an export names both 'session' and 'namespace'", "give each its own export");
      } else if (e.namespace() != null && !SESSION_NAME.matcher(e.namespace()).matches()) {
        problem(pointer + "/" + j + "/namespace", "'" + e.namespace() + "' is not a namespace", "name a session that is a namespace");
      } else if (e.session() != null && !e.session().equals("*") && !SESSION_NAME.matcher(e.session()).matches()) {
        problem(pointer + "/" + j + "/session", "'" + e.session() + "' is not a session name",
            "name a session, or '*' for every session");
      }
      if (e.sessionHash() != null && !HEX64.matcher(e.sessionHash()).matches()) {
        problem(pointer + "/" + j + "/session_hash", "'session_hash' must be 64 lower-case hex digits",
            "use 'confide session hash FILE' on the importing session");
      }
    }
  }

  private void checkImages(Set<String> volumeNames, Set<String> secretNames) {
    for (int i = 0; i < session.images().size(); i++) {
      Image img = session.images().get(i);
      String at = "/images/" + i;
      checkExports(at + "/export", img.export());
      for (int j = 0; j < img.mrenclaves().size(); j++) {
        if (img.mrenclaves().get(j) == null || !HEX64.matcher(img.mrenclaves().get(j)).matches()) {
          problem(at + "/mrenclaves/" + j, "'" + img.mrenclaves().get(j) + "' is not a measurement",
              "a measurement is 64 lower-case hex digits, as 'confide measure' prints it");
        }
      }
      if (img.importFrom() != null) {
        Image.ImageImport from = img.importFrom();
        if (from.session() == null || !SESSION_NAME.matcher(from.session()).matches()) {
          problem(at + "/import", "'" + from.session() + "' is not a session name", "write 'import: SESSION' naming the exporter");
        }
        if (from.image() != null && !LOCAL_NAME.matcher(from.image()).matches()) {
          problem(at + "/import/image", "'" + from.image() + "' is not an image name", "name the exporter's image");
        }
        if (!img.volumes().isEmpty() || !img.injectionFiles().isEmpty() || !img.mrenclaves().isEmpty()) {
          problem(at + "/import", "an imported image takes its volumes, injection files and mrenclaves from session "
              + from.session(), "remove them here, or define an image of this session's own instead");
        }
        if (!img.export().isEmpty()) {
          problem(at + "/export", "an imported image cannot be exported again", "export it from its own session");
        }
      }
      Set<String> paths = new HashSet<>();
      Map<String, String> mountedAs = new java.util.HashMap<>();
      for (int j = 0; j < img.volumes().size(); j++) {
        Image.Mount m = img.volumes().get(j);
        String mat = at + "/volumes/" + j;
        VolumeSpec mounted = m.name() == null ? null : session.volume(m.name()).orElse(null);
        if (mounted != null && mountedAs.putIfAbsent(mounted.name(), m.name()) != null) {
          problem(mat + "/name", "image '" + img.name() + "' mounts volume '" + mounted.name() + "' twice (as '"
              + mountedAs.get(mounted.name()) + "' and '" + m.name() + "'; volume_alias names the same volume)",
              "mount it once");
        }
        // an exported image may leave its volumes to the sessions that import it (seed 000)
        if (m.name() == null || !volumeNames.contains(m.name()) && img.export().isEmpty()) {
          problem(mat + "/name", "image '" + img.name() + "' mounts volume '" + m.name()
              + "', which 'volumes' does not define", "define it under 'volumes', fix the name, or export the image to sessions that bring the volume");
        }
        if (m.path() == null || !m.path().startsWith("/") || m.path().equals("/") || m.path().contains("/../")) {
          problem(mat + "/path", "mount path '" + m.path() + "' must be an absolute path below '/'",
              "use a path such as /encryptedInputs");
        } else if (Image.hostSystemDirectoryOf(m.path()) != null) {
          problem(mat + "/path", "volume " + m.name() + " would be mounted at " + m.path() + ", inside "
              + Image.hostSystemDirectoryOf(m.path()) + ", which the sandbox takes read-only from the host",
              "mount it elsewhere, such as /encryptedData");
        } else if (!paths.add(m.path())) {
          problem(mat + "/path", "two volumes are mounted at " + m.path(), "give each its own path");
        }
      }
      for (int j = 0; j < img.injectionFiles().size(); j++) {
        Image.InjectionFile f = img.injectionFiles().get(j);
        if (f.path() == null || !f.path().startsWith("/") || f.path().contains("/../") || f.path().endsWith("/..")) {
          problem(at + "/injection_files/" + j + "/path", "an injection file needs an absolute 'path' without '..'",
              "start it with '/'");
        } else if (Image.hostSystemDirectoryOf(f.path()) != null) {
          problem(at + "/injection_files/" + j + "/path", "injection file " + f.path() + " lies in "
              + Image.hostSystemDirectoryOf(f.path()) + ", which the sandbox takes read-only from the host",
              "inject it into a volume or another directory, such as /etc-app");
        }
        checkReferences(at + "/injection_files/" + j + "/content", f.content(), secretNames);
        checkNoHostInput(at + "/injection_files/" + j + "/content", f.content(), "an injection file",
            "the host gives only arguments (@@N in 'command') and environment variables (\\@\\@NAME)");
      }
    }
  }

  private void checkSecrets() {
    Map<String, SecretSpec> byName = new java.util.HashMap<>();
    session.secrets().forEach(s -> byName.putIfAbsent(s.name(), s));
    for (int i = 0; i < session.secrets().size(); i++) {
      SecretSpec s = session.secrets().get(i);
      String at = "/secrets/" + i;
      checkExports(at + "/export", s.export());
      if (s.imported()) {
        if (s.importFrom().session() == null || s.importFrom().secret() == null) {
          problem(at + "/import", "a secret import needs 'session' and 'secret'", "name both");
        } else if (!SESSION_NAME.matcher(s.importFrom().session()).matches()) {
          problem(at + "/import/session", "'" + s.importFrom().session() + "' is not a session name", "fix the name");
        }
        if (s.value() != null) {
          problem(at + "/value", "an imported secret cannot have a 'value'", "remove 'value' or 'import'");
        }
        if (s.exportsPublic()) {
          problem(at + "/export_public", "an imported secret cannot be exported again", "export it from its own session");
        }
        continue;
      }
      if (s.exportsPublic() && !s.hasPublicPart()) {
        problem(at + "/export_public", "secret '" + s.name() + "' (" + s.kind() + ") has no public part to export: only an x509"
            + " or x509-ca secret's certificate or a pgp-key's public key is made public", SecretSpec.PRIVATE_KEY.equals(s.kind())
                ? "make an x509 secret with private_key: " + s.name() + " and export_public that"
                : "export it to the sessions that need it (export: SESSION)");
      }
      if (s.kind() == null) {
        problem(at, "secret '" + s.name() + "' has no 'kind'", "use one of " + SecretSpec.KINDS);
        continue;
      }
      if (!SecretSpec.KINDS.contains(s.kind())) {
        problem(at + "/kind", "'" + s.kind() + "' is not a secret kind", "use one of " + SecretSpec.KINDS);
        continue;
      }
      boolean sized = s.kind().equals(SecretSpec.ASCII) || s.kind().equals(SecretSpec.BINARY);
      boolean fragment = s.kind().equals(SecretSpec.CONFIG_FRAGMENT);
      boolean keyed = !sized && !fragment;
      if (fragment && s.value() == null) {
        problem(at, "config-fragment '" + s.name() + "' has no 'value'", "give the part of the policy it stands for as its"
            + " value (a list or a mapping), or import it");
      }
      if (s.size() != null && (!sized || s.size() < 1 || s.size() > 4096)) {
        problem(at + "/size", sized ? "'size' must be between 1 and 4096" : "'size' applies to ascii and binary secrets only",
            sized ? "choose a size in that range" : "remove 'size'");
      }
      boolean pgp = s.kind().equals(SecretSpec.PGP_KEY);
      List<String> algorithms = pgp ? SecretSpec.PGP_ALGORITHMS : SecretSpec.ALGORITHMS;
      if (s.algorithm() != null && (!keyed || !algorithms.contains(s.algorithm()))) {
        problem(at + "/algorithm", !keyed ? "'algorithm' applies to keys and certificates only"
            : pgp ? "'" + s.algorithm() + "' is not an algorithm of OpenPGP keys here" : "'" + s.algorithm() + "' is not a key algorithm",
            "use one of " + algorithms);
      }
      boolean cert = s.kind().equals(SecretSpec.X509) || s.kind().equals(SecretSpec.X509_CA);
      if (pgp && (s.issuer() != null || !s.san().isEmpty() || s.privateKey() != null)) {
        problem(at, "issuer, private_key and san apply to x509 and x509-ca secrets only; a pgp-key takes common_name"
            + " (its user ID), key_type and valid_for", "remove them");
      } else if (!cert && !pgp && (s.issuer() != null || s.commonName() != null || !s.san().isEmpty() || s.validFor() != null
          || s.privateKey() != null)) {
        problem(at, "issuer, private_key, common_name, san and valid_for apply to x509 and x509-ca secrets only",
            "remove them or change 'kind'");
      }
      if (pgp && s.commonName() != null && (s.commonName().isBlank() || s.commonName().chars().anyMatch(Character::isISOControl))) {
        problem(at + "/common_name", "a pgp-key's user ID (common_name) is one line of text", "write e.g. 'Render Farm <farm@example.org>'");
      }
      if (pgp && s.value() != null) {
        problem(at + "/value", "pgp keys are always generated by the CAS", "remove 'value' (import an existing key as an ascii secret)");
      }
      if (s.issuer() != null) {
        SecretSpec issuer = byName.get(s.issuer());
        if (issuer == null || !SecretSpec.X509_CA.equals(issuer.kind())) {
          problem(at + "/issuer", "issuer '" + s.issuer() + "' is not an x509-ca secret of this session",
              "define it with 'kind: x509-ca' or fix the name");
        }
      }
      if (s.privateKey() != null) {
        SecretSpec key = byName.get(s.privateKey());
        if (key == null || !SecretSpec.PRIVATE_KEY.equals(key.kind())) {
          problem(at + "/private_key", "private_key '" + s.privateKey() + "' is not a private-key secret of this session",
              "define it with 'kind: private-key' or fix the name");
        }
      }
      if (s.endpoint() != null && (!s.kind().equals(SecretSpec.X509) || !SecretSpec.ENDPOINTS.contains(s.endpoint()))) {
        problem(at + "/endpoint", s.kind().equals(SecretSpec.X509) ? "'" + s.endpoint() + "' is not an endpoint"
            : "'endpoint' applies to x509 secrets only", "use one of " + SecretSpec.ENDPOINTS + " on an x509 secret");
      }
      if (s.validFor() != null && !DURATION.matcher(s.validFor()).matches()) {
        problem(at + "/valid_for", "'" + s.validFor() + "' is not a duration", "write e.g. 90d, 12h or 30m");
      }
      if (s.value() != null && cert) {
        checkGivenCertificate(at, s, byName);
      } else if (cert && s.issuer() != null && byName.get(s.issuer()) != null && byName.get(s.issuer()).value() != null
          && byName.get(s.issuer()).privateKey() == null) {
        problem(at + "/issuer", "issuer '" + s.issuer() + "' is a given certificate without its private key: it cannot sign",
            "give the issuer's key as a private-key secret and name it in the issuer's private_key");
      }
    }
  }

  /**
   * A certificate the session gives (SCONE's {@code value} on x509 and x509-ca: a trust bundle, an
   * SVID from SPIRE): PEM certificates only, its key in the secret {@code private_key} names, its
   * {@code issuer} (if named) the x509-ca whose certificate signed it (the CAS checks both); what
   * the CAS would use to make one (names, validity, usage) does not apply to it.
   */
  private void checkGivenCertificate(String at, SecretSpec s, Map<String, SecretSpec> byName) {
    if (s.commonName() != null || !s.san().isEmpty() || s.validFor() != null || s.endpoint() != null || s.algorithm() != null) {
      problem(at, "certificate '" + s.name() + "' is given ('value'): common_name, dns, valid_for, endpoint and key_type"
          + " are what the CAS makes one from, and a given one carries its own", "remove them, or remove 'value' to have the CAS make it");
    }
    java.util.List<String> blocks = new java.util.ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----").matcher(s.value());
    while (m.find()) {
      blocks.add(m.group(1));
    }
    if (blocks.stream().anyMatch(b -> !b.equals("CERTIFICATE"))) {
      problem(at + "/value", "certificate '" + s.name() + "' holds a " + blocks.stream().filter(b -> !b.equals("CERTIFICATE"))
          .findFirst().orElseThrow() + " block: a given certificate's value is PEM certificates only",
          "give the key as a private-key secret and name it in private_key");
      return;
    }
    int parsed;
    try {
      parsed = java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificates(new java.io.ByteArrayInputStream(s.value().getBytes(java.nio.charset.StandardCharsets.US_ASCII))).size();
    } catch (java.security.cert.CertificateException e) {
      parsed = -1;
    }
    if (blocks.isEmpty() || parsed != blocks.size()) {
      problem(at + "/value", "the value of certificate '" + s.name() + "' is not PEM X.509 certificates",
          "give '-----BEGIN CERTIFICATE-----' blocks, the certificate first, then any of its issuers");
    }
  }

  private void checkSecurity() {
    Security security = session.security();
    if (security.needsServiceAccessToken() && security.serviceAccessTokenDigest() == null) {
      // the value itself is never repeated: it is a secret
      String token = security.serviceAccessToken();
      problem("/security/service_access_token", token.contains("$$") ? "service_access_token cannot be a placeholder"
              : token.startsWith(Security.TOKEN_DIGEST_PREFIX) ? "service_access_token's digest is not 64 lower-case hex digits"
              : "service_access_token is shorter than " + Security.TOKEN_MIN_CHARS + " characters",
          "write a token of " + Security.TOKEN_MIN_CHARS + " characters or more (e.g. 'head -c 24 /dev/urandom | base64'),"
              + " or its digest: sha256: and the 64 hex digits of 'printf %s TOKEN | sha256sum'");
    }
    Security.Attestation a = security.attestation();
    if (!Security.Attestation.MODES.contains(a.mode())) {
      problem("/security/attestation/mode", "'" + a.mode() + "' is not an attestation mode",
          "use one of " + Security.Attestation.MODES);
    }
    for (int i = 0; i < a.tolerate().size(); i++) {
      if (!Security.Attestation.TOLERATIONS.contains(a.tolerate().get(i))) {
        problem("/security/attestation/tolerate/" + i, "'" + a.tolerate().get(i) + "' is not a known weakness",
            "use any of " + Security.Attestation.TOLERATIONS);
      }
    }
    if (a.needsOneTimePassword() && a.oneTimePasswordKey() == null) {
      // the value itself is never repeated: it is a secret
      problem("/security/attestation/one_time_password_shared_secret", a.oneTimePasswordSharedSecret().contains("$$")
              ? "one_time_password_shared_secret cannot be a placeholder"
              : "one_time_password_shared_secret is not a base32 key of at least " + Security.Attestation.OTP_KEY_MIN_BYTES + " bytes",
          "write the key itself, as an authenticator app is given it: base32 (A-Z, 2-7; 26 characters or more), e.g. from"
              + " 'head -c 20 /dev/urandom | base32'");
    }
    List<String> qeKeys = a.trustedSconeQePubkeys() == null ? List.of() : a.trustedSconeQePubkeys();
    for (int i = 0; i < qeKeys.size(); i++) {
      if (qeKeys.get(i) == null || qeKeys.get(i).isBlank() || qeKeys.get(i).chars().anyMatch(Character::isWhitespace)) {
        problem("/security/attestation/trusted_scone_qe_pubkeys/" + i, "'" + qeKeys.get(i) + "' is not a SCONE quoting enclave's key",
            "give the key as SCONE prints it (one word)");
      }
    }
    for (int i = 0; i < a.simHosts().size(); i++) {
      String host = a.simHosts().get(i);
      if (host == null || !host.matches("[0-9a-f]{64}")) {
        problem("/security/attestation/sim_hosts/" + i, "'" + host + "' is not a host key hash",
            "write the 64 hex digits 'confide host init' prints on the host");
      }
    }
  }
}
