package dev.confide.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.confide.attest.FileDigests;
import dev.confide.attest.Hashes;
import dev.confide.attest.Measurement;
import dev.confide.policy.Image;
import dev.confide.policy.RunCommand;
import dev.confide.runtime.ContainerLaunch;
import dev.confide.runtime.ExitCodes;
import dev.confide.runtime.RuntimeDigest;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.Tag;
import dev.confide.volume.TreeAuthenticator;
import dev.confide.volume.TreeBuilder;
import dev.confide.volume.VolumeSealer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Pattern;

/**
 * Converts a container image into a confidential one (docs/images.md): unpacks it, seals each
 * encrypted directory into a volume under {@value #ENCRYPTED} and authenticates the named
 * directories in one tree whose manifest is {@value #MANIFEST}; writes the input's layers again
 * without the encrypted directories' contents (a layer that holds none is copied as it is), the
 * runtime's layer ({@value #RUNTIME_HOME}: the same for every image, {@link RuntimeLayer}) and the
 * image's own layer with the ciphertext and the manifest; sets the
 * runtime as the entrypoint; and writes the session policy that names the measurement, the keys
 * and tags and the volumes. Every output is written beside its place and moved there at the end.
 */
public final class ImageConverter {
  /** Where the runtime lives in a converted image. */
  public static final String RUNTIME_HOME = "/opt/confide";
  /** Where the encrypted directories' volumes lie in a converted image. */
  public static final String ENCRYPTED = "/confide/encrypted";
  /** The image's authenticated tree's manifest (at the root: its regions are the authenticated directories). */
  public static final String MANIFEST = "/" + TreeAuthenticator.DEFAULT_MANIFEST;
  /** A converted image's entrypoint. */
  public static final List<String> ENTRYPOINT = List.of(RUNTIME_HOME + "/jre/bin/java", "@" + RUNTIME_HOME + "/jvm.args", "-jar",
      RUNTIME_HOME + "/lib/confide-runtime.jar", "run", "--in-container");
  /** Labels of a converted image's configuration, read by {@code confide image inspect}. */
  public static final String LABEL = "dev.confide.";
  private static final Pattern K8S_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern SESSION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}(/[A-Za-z0-9][A-Za-z0-9._-]{0,63}){0,7}");
  private static final Pattern VOLUME_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Progress progress;
  /** Where the runtime's layer is kept between conversions (null: made each time). */
  private final Path layerCache;

  /** What a conversion is doing, for a progress line. */
  public interface Progress {
    Progress NONE = step -> { };

    void step(String what);
  }

  public ImageConverter(Progress progress) {
    this(progress, null);
  }

  /** {@code layerCache}: a private folder where the runtime's layer is kept between conversions (null: none). */
  public ImageConverter(Progress progress, Path layerCache) {
    this.progress = progress;
    this.layerCache = layerCache;
  }

  public ConversionResult convert(ConversionRequest r) throws IOException {
    checkRequest(r);
    Map<String, Long> millis = new LinkedHashMap<>();
    Path work = Files.createTempDirectory(r.to().toAbsolutePath().getParent(), ".confide-convert-");
    Path scratch = null;
    // beside the unpacking and the layers' writing: the runtime's parts, then the sealing
    ExecutorService sealing = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("confide-seal").daemon().factory());
    try (ImageArchive in = ImageArchive.open(r.from()); OciArchive archive = OciArchive.open(work)) {
      Path runtimeJar = r.runtime().resolve("lib").resolve("confide-runtime.jar");
      Path jre = r.runtime().resolve("jre");
      if (!Files.isRegularFile(runtimeJar) || !Files.isExecutable(jre.resolve("bin").resolve("java"))) {
        throw new ImageException(ExitCodes.UNAVAILABLE, "the runtime distribution at " + r.runtime()
            + " has no " + (Files.isRegularFile(runtimeJar) ? "jre/ of its own" : "lib/confide-runtime.jar")
            + ", which a converted image needs", "build it with ./confide (it adds the jre/ once), or pass --runtime DIR");
      }
      long t = System.nanoTime();
      scratch = scratch(in);
      progress.step(scratch == null ? "unpacking beside the output (too little room in /dev/shm)" : "unpacking into memory (/dev/shm)");
      Path rootfs = Files.createDirectory((scratch == null ? work : scratch).resolve("rootfs"));
      if (!r.encrypt().isEmpty() && scratch != null) {
        // in memory only: beside the output, its seal would sync that disk for nothing
        Path warm = scratch.resolve("warm-up");
        sealing.submit(() -> warmUpSealing(warm));
      }
      // what the image does not change (the runtime's digest, the sandbox, the runtime's layer)
      // is found beside the unpacking too
      Path sandboxDir = work.resolve("sandbox");
      Future<RuntimeParts> runtimeParts = sealing.submit(() -> runtimeParts(r, runtimeJar, jre, sandboxDir));
      List<String> encryptedPaths = r.encrypt().stream().map(d -> d.substring(1)).toList();
      List<String> regions = r.authenticate().stream().map(d -> d.substring(1)).toList();
      // the authenticated folders are hashed as they stream by, and only what the conversion
      // reads of them is written out (executables, the account files)
      TreeBuilder tree = new TreeBuilder();
      RootFs.Authenticating recording = new RootFs.Authenticating(tree, regions, encryptedPaths, ACCOUNT_FILES);
      // the layers that hold an encrypted folder (known from their headers) are written out
      // filtered as they are unpacked: each is read once
      java.util.Set<Integer> filterNow = holdingEncrypted(in, encryptedPaths);
      List<RootFs.LayerFacts> facts;
      try {
        facts = RootFs.unpack(in, rootfs, encryptedPaths, progress::step, recording, archive, filterNow::contains);
      } catch (RootFs.WholeUnpackNeeded e) {
        progress.step("unpacking again, every file (" + e.getMessage() + ")");
        DeleteTree.of(rootfs);
        Files.createDirectory(rootfs);
        recording = null;
        facts = RootFs.unpack(in, rootfs, encryptedPaths, progress::step, null, archive, filterNow::contains);
      }
      millis.put("unpack", ms(t));
      ObjectNode config = in.config();
      ObjectNode cfg = config.with("config");
      // what the policy carries over, before the configuration becomes the converted image's
      ObjectNode original = cfg.deepCopy();
      checkAgainstImage(r, rootfs);
      String account = ImageUser.resolve(rootfs, original.path("User").asText(""));
      Map<String, String> env = environment(cfg);
      String path = env.getOrDefault("PATH", RunCommand.DEFAULT_PATH);
      List<String> words = RunCommand.words(r.command());
      Path executable = executable(rootfs, words.getFirst(), path);
      RuntimeParts runtime = result(runtimeParts);
      String runtimeDigest = runtime.digest();
      Measurement measurement = Measurement.of(runtimeDigest, Path.of(ChrootPaths.imagePath(rootfs, executable)),
          Hashes.file(executable));

      // encrypted directories: sealed (beside the unpacked image: in memory when it had room, as
      // a volume's seal syncs its file system), then emptied, as the container will see them;
      // meanwhile the layers are written
      t = System.nanoTime();
      Path sealed = Files.createDirectory((scratch == null ? work : scratch).resolve("encrypted"));
      List<ConversionResult.Protection> protections = new ArrayList<>();
      if (!r.encrypt().isEmpty()) {
        progress.step("sealing " + String.join(", ", r.encrypt()) + " beside writing the layers");
      }
      // each object, as soon as it is sealed, for the image's own layer; END when the sealing is over
      BlockingQueue<Path> sealedObjects = new LinkedBlockingQueue<>();
      long[] sealEnded = new long[1];
      Future<List<EncryptedDir>> sealingDone = sealing.submit(() -> {
        try {
          return seal(r, rootfs, sealed, sealedObjects::add);
        } finally {
          sealEnded[0] = System.nanoTime();
          sealedObjects.add(END);
        }
      });

      progress.step("authenticating " + String.join(", ", r.authenticate()));
      SymmetricKey treeKey = SymmetricKey.generate();
      Path manifest = work.resolve("tree-manifest");
      Tag treeTag;
      if (recording != null) {
        // the container holds the encrypted folders empty
        encryptedPaths.forEach(tree::clear);
        treeTag = tree.write(regions, treeKey, manifest);
      } else {
        // the walk sees the encrypted folders as the container will: emptied by the sealing
        result(sealingDone);
        treeTag = TreeAuthenticator.authenticate(rootfs, regions, treeKey, manifest, dev.confide.volume.Progress.NONE);
      }
      long authenticated = System.nanoTime();

      String session = r.session() != null ? r.session()
          : r.name() + "-" + HexFormat.of().formatHex(randomBytes(4));

      // the layers: each is written once, straight into the archive (OciArchive)
      ArrayNode diffIds = config.with("rootfs").withArray("diff_ids");
      List<Descriptor> layers = new ArrayList<>();
      for (int n = 0; n < in.layers().size(); n++) {
        ImageArchive.Layer layer = in.layers().get(n);
        RootFs.LayerFacts f = facts.get(n);
        if (f.holdsEncrypted()) {
          Blob b = f.filtered();
          if (b == null) {
            progress.step("filtering layer " + (n + 1) + " of " + in.layers().size());
            b = archive.blob(out -> FilteredLayer.copy(in.uncompressed(layer), encryptedPaths, out));
          }
          layers.add(new Descriptor(LAYER_TAR, b));
          diffIds.set(n, b.digest());
        } else {
          progress.step("copying layer " + (n + 1) + " of " + in.layers().size());
          Blob b = archive.blob(out -> {
            try (InputStream raw = in.raw(layer)) {
              raw.transferTo(out);
            }
          });
          layers.add(new Descriptor(layer.compression().mediaType, b));
          if (layer.compression() == ImageArchive.Compression.NONE) {
            diffIds.set(n, b.digest());
          }
        }
      }
      progress.step("Confide's runtime layer");
      Blob runtimeLayer = archive.blob(runtime.layer());
      layers.add(new Descriptor(LAYER_TAR, runtimeLayer));
      diffIds.add(runtimeLayer.digest());
      long layersWritten = System.nanoTime();
      long sealStarted = t;
      millis.put("authenticate", (authenticated - t) / 1_000_000);
      millis.put("layers", (layersWritten - authenticated) / 1_000_000);

      // the image's own layer, the sealed objects copied in as they are made
      t = System.nanoTime();
      progress.step("the image's own layer");
      Blob confide = archive.blob(out -> {
        try (LayerWriter w = new LayerWriter(out)) {
          confideLayer(w, r, rootfs, sealed, sealedObjects, sealingDone, manifest);
        }
      });
      layers.add(new Descriptor(LAYER_TAR, confide));
      diffIds.add(confide.digest());
      List<EncryptedDir> encrypted = result(sealingDone);
      millis.put("seal", (sealEnded[0] - sealStarted) / 1_000_000);
      millis.put("own layer", ms(t));
      for (EncryptedDir e : encrypted) {
        protections.add(new ConversionResult.Protection(e.dir(), "encrypted", e.volume(), e.files(), e.bytes()));
      }
      for (String dir : r.authenticate()) {
        protections.add(new ConversionResult.Protection(dir, "authenticated", null, 0, 0));
      }
      for (ConversionRequest.Volume v : r.volumes()) {
        protections.add(new ConversionResult.Protection(v.path(), "volume", v.name(), 0, 0));
      }

      // the configuration
      String volumesEnv = volumesVariable(encrypted, r.volumes());
      configure(config, cfg, r, session, volumesEnv, measurement, encrypted);
      Blob configBlob = Blob.of(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
      Blob manifestBlob = manifest(configBlob, layers);

      t = System.nanoTime();
      progress.step("finishing " + r.to() + " (" + layers.stream().mapToLong(d -> d.blob().size()).sum() / (1 << 20) + " MiB of layers)");
      archive.blob(configBlob);
      archive.blob(manifestBlob);
      archive.finish(r.to(), r.name(), manifestBlob, configBlob, layers.stream().map(Descriptor::blob).toList(), r.force());
      String policyText = PolicyDocument.render(r, session, env, original, account, measurement, encrypted, treeKey,
          treeTag);
      writePrivate(r.policy(), policyText, r.force(), work);
      if (r.chart() != null) {
        HelmChart.write(r.chart(), r, session, r.workload(), r.expose(), measurement.value(), r.force());
      }
      millis.put("write", ms(t));
      return new ConversionResult(r.to(), r.policy(), r.chart(), session, r.name(), measurement.value(), manifestBlob.digest(), protections,
          millis);
    } finally {
      // a sealing still under way (the layers failed) is waited for before its folder goes
      sealing.shutdownNow();
      try {
        sealing.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      DeleteTree.quietly(work);
      if (scratch != null) {
        DeleteTree.quietly(scratch);
      }
    }
  }

  /**
   * Seals a few small files in {@code scratch} (then removed), while the image is unpacked: a new
   * JVM runs AES-GCM slowly until its compiler has turned to it, and on two cores the unpacking
   * keeps that compiler busy; warmed up meanwhile, the sealing runs compiled from its start.
   */
  private static Void warmUpSealing(Path scratch) throws IOException {
    try {
      Path source = Files.createDirectories(scratch.resolve("source"));
      byte[] content = new byte[256 << 10];
      for (int i = 0; i < 4; i++) {
        Files.write(source.resolve("f" + i), content);
      }
      // segments smaller than the real ones (as many cipher calls from less data), large enough for
      // the JDK's AES-GCM to take the path of its own that the real ones take (8 KiB and more)
      new VolumeSealer(16 << 10, 1, VolumeSealer.Packing.NONE).seal(source, scratch.resolve("volume"), SymmetricKey.generate(),
          dev.confide.volume.Progress.NONE);
    } finally {
      DeleteTree.quietly(scratch);
    }
    return null;
  }

  /** Seals each encrypted directory into a volume under {@code sealed}, then empties it. */
  private static List<EncryptedDir> seal(ConversionRequest r, Path rootfs, Path sealed, java.util.function.Consumer<Path> objectWritten)
      throws IOException {
    List<EncryptedDir> encrypted = new ArrayList<>();
    for (String dir : r.encrypt()) {
      String volume = encryptedVolumeName(dir);
      SymmetricKey key = SymmetricKey.generate();
      Path local = ChrootPaths.resolve(rootfs, dir, false);
      SealResult s = new VolumeSealer().seal(local, sealed.resolve(volume), key, dev.confide.volume.Progress.NONE, objectWritten);
      encrypted.add(new EncryptedDir(dir, volume, key, s.tag(), s.files(), s.bytes()));
      emptyDirectory(local);
    }
    return encrypted;
  }

  /** The runtime's measured digest and its layer (the cached file when there is one, else to be written). */
  private record RuntimeParts(String digest, Blob layer) {}

  /** The runtime's digest, its sandbox (collected into {@code sandbox} unless the distribution bundles one) and its layer. */
  private RuntimeParts runtimeParts(ConversionRequest r, Path runtimeJar, Path jre, Path sandbox) throws IOException {
    String digest = runtimeDigest(runtimeJar, jre);
    Path bundled = r.runtime().resolve(dev.confide.runtime.Bubblewrap.BUNDLED);
    if (Files.isDirectory(bundled)) {
      sandbox = bundled;
    } else {
      SandboxBundle.collect(sandbox);
    }
    return new RuntimeParts(digest, RuntimeLayer.of(r.runtime(), sandbox, digest, layerCache));
  }

  /** What a task beside the main line made, or its failure as it was. */
  private static <T> T result(Future<T> task) throws IOException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while converting");
    } catch (ExecutionException e) {
      switch (e.getCause()) {
        case IOException io -> throw io;
        case RuntimeException re -> throw re;
        case Error err -> throw err;
        default -> throw new IOException(e.getCause());
      }
    }
  }

  /**
   * The indexes of the layers whose headers name an entry inside {@code encrypted}; a compressed
   * layer (whose headers cost reading it whole) or one whose headers cannot be read is not among
   * them (the unpacking finds out, and it is filtered in a pass of its own).
   */
  private static java.util.Set<Integer> holdingEncrypted(ImageArchive in, List<String> encrypted) {
    java.util.Set<Integer> holding = new java.util.HashSet<>();
    if (encrypted.isEmpty()) {
      return holding;
    }
    if (in.layers().size() == 1) {
      // the image's one layer holds what its encrypted folders hold (an --encrypt folder with
      // nothing inside is the rare wrong guess: that copy is dropped again); reading its headers
      // first cost a 300 MB layer of 7,000 entries 60-80 ms
      if (in.layers().getFirst().compression() == ImageArchive.Compression.NONE) {
        holding.add(0);
      }
      return holding;
    }
    for (int n = 0; n < in.layers().size(); n++) {
      try {
        List<String> names = in.entryNames(in.layers().get(n));
        if (names != null && names.stream().anyMatch(name -> insideAny(name, encrypted))) {
          holding.add(n);
        }
      } catch (IOException | RuntimeException unreadable) {
        // the unpacking reads it and says what is wrong
      }
    }
    return holding;
  }

  /**
   * The runtime's measured digest; its files' hashes are remembered in the image cache (by each
   * file's identity, {@link FileDigests}), so that later conversions only look at them.
   */
  private String runtimeDigest(Path runtimeJar, Path jre) throws IOException {
    if (layerCache == null) {
      return RuntimeDigest.of(runtimeJar, jre, null);
    }
    Files.createDirectories(layerCache);
    FileDigests digests = FileDigests.persistent(layerCache.resolve("runtime-digests"));
    String digest = RuntimeDigest.of(runtimeJar, jre, null, digests);
    digests.save();
    return digest;
  }

  /**
   * Where the image is unpacked: a private folder in /dev/shm when that memory has room for four
   * times the image's layers (the unpacked files are written and read again at memory speed, and
   * the plaintext of the encrypted directories never reaches a disk), else null: beside the output.
   */
  private static Path scratch(ImageArchive in) {
    long layers = in.layers().stream().mapToLong(ImageArchive.Layer::size).sum();
    Path shm = Path.of("/dev/shm");
    try {
      if (Files.isDirectory(shm) && Files.isWritable(shm) && "tmpfs".equals(Files.getFileStore(shm).type())
          && Files.getFileStore(shm).getUsableSpace() > 4 * layers) {
        return Files.createTempDirectory(shm, "confide-convert-",
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException e) {
      // a /dev/shm that cannot be used: the disk beside the output
    }
    return null;
  }

  static final String LAYER_TAR = ImageArchive.Compression.NONE.mediaType;
  /** Read by the conversion (the image's user), so always written out, also inside an authenticated folder. */
  private static final java.util.Set<String> ACCOUNT_FILES = java.util.Set.of("etc/passwd", "etc/group");

  /** An encrypted directory: its image path, its volume, the volume's key and first tag, and what it held. */
  record EncryptedDir(String dir, String volume, SymmetricKey key, Tag tag, long files, long bytes) {}

  /** An OCI image manifest naming {@code config} and {@code layers}, as a blob. */
  static Blob manifest(Blob config, List<Descriptor> layers) throws IOException {
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    manifest.set("config", new Descriptor("application/vnd.oci.image.config.v1+json", config).json());
    ArrayNode layerList = manifest.putArray("layers");
    layers.forEach(d -> layerList.add(d.json()));
    return Blob.of(JSON.writeValueAsBytes(manifest));
  }

  /** A blob as a manifest names it. */
  record Descriptor(String mediaType, Blob blob) {
    ObjectNode json() {
      ObjectNode d = JSON.createObjectNode();
      d.put("mediaType", mediaType);
      d.put("digest", blob.digest());
      d.put("size", blob.size());
      return d;
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private static long ms(long started) {
    return (System.nanoTime() - started) / 1_000_000;
  }

  private static void checkRequest(ConversionRequest r) {
    if (!K8S_NAME.matcher(r.name()).matches()) {
      throw usage("--name '" + r.name() + "' is not a valid Kubernetes name",
          "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit");
    }
    if (r.session() != null && !SESSION_NAME.matcher(r.session()).matches()) {
      throw usage("--session '" + r.session() + "' is not a valid session name",
          "use letters, digits, '.', '_' and '-', with '/' between a namespace and the name");
    }
    if (r.namespace() != null && !K8S_NAME.matcher(r.namespace()).matches()) {
      throw usage("--namespace '" + r.namespace() + "' is not a valid Kubernetes namespace",
          "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit");
    }
    if (r.command() == null || r.command().isBlank()) {
      throw usage("no --command given", "give the program the image runs, e.g. --command \"python3 /code/counter.py\"");
    }
    try {
      if (RunCommand.words(r.command()).isEmpty()) {
        throw usage("--command is empty", "give the program the image runs");
      }
    } catch (IllegalArgumentException e) {
      throw usage("--command cannot be read: " + e.getMessage(), "quote its words as a shell would");
    }
    for (String dir : r.encrypt()) {
      checkImagePath("--encrypt", dir);
      String system = Image.hostSystemDirectoryOf(dir);
      if (system != null) {
        throw usage("--encrypt " + dir + " lies in " + system + ", where the runtime mounts no volume",
            "encrypt the application's own folders (e.g. /code, /app); authenticate " + system + " instead");
      }
    }
    for (String dir : r.authenticate()) {
      checkImagePath("--authenticate", dir);
    }
    List<String> names = new ArrayList<>();
    for (ConversionRequest.Volume v : r.volumes()) {
      if (!VOLUME_NAME.matcher(v.name()).matches()) {
        throw usage("--volume " + v.name() + ":" + v.path() + ": '" + v.name() + "' is not a valid volume name",
            "use letters, digits, '.', '_' and '-'");
      }
      if (names.contains(v.name())) {
        throw usage("--volume " + v.name() + " is given twice", "give each volume once");
      }
      names.add(v.name());
      checkImagePath("--volume " + v.name() + ":" + v.path(), v.path());
      String system = Image.hostSystemDirectoryOf(v.path());
      if (system != null) {
        throw usage("--volume " + v.name() + ":" + v.path() + " lies in " + system + ", where the runtime mounts no volume",
            "mount it elsewhere, e.g. /" + v.name());
      }
      for (String dir : r.encrypt()) {
        if (overlap(v.path(), dir)) {
          throw usage("--volume " + v.name() + ":" + v.path() + " overlaps --encrypt " + dir,
              "mount the volume beside the encrypted directory, not in it or around it");
        }
      }
      for (String dir : r.authenticate()) {
        if (overlap(v.path(), dir)) {
          throw usage("--volume " + v.name() + ":" + v.path() + " overlaps --authenticate " + dir,
              "mount the volume outside the authenticated directories");
        }
      }
    }
    for (String dir : r.encrypt()) {
      String volume = encryptedVolumeName(dir);
      if (names.contains(volume)) {
        throw usage("--volume " + volume + " has the name Confide gives --encrypt " + dir, "name the volume otherwise");
      }
      names.add(volume);
      for (String other : r.encrypt()) {
        if (!other.equals(dir) && overlap(other, dir)) {
          throw usage("--encrypt " + dir + " and --encrypt " + other + " overlap", "encrypt the outer directory only");
        }
      }
    }
    Path to = r.to().toAbsolutePath().normalize();
    if (to.equals(r.from().toAbsolutePath().normalize())) {
      throw usage("--to is --from", "write the confidential image to another file");
    }
    if (to.getParent() == null || !Files.isDirectory(to.getParent())) {
      throw new ImageException(ExitCodes.CANT_CREATE, "the folder of " + r.to() + " does not exist", "create it first");
    }
    if (!HelmChart.WORKLOADS.contains(r.workload())) {
      throw usage("--workload " + r.workload() + " is not one of " + HelmChart.WORKLOADS, "choose deployment, statefulset or job");
    }
    if (r.expose() != null && (r.expose() < 1 || r.expose() > 65535)) {
      throw usage("--expose " + r.expose() + " is not a port", "give the port the program listens on (1-65535)");
    }
    List<Path> outputs = new ArrayList<>(List.of(r.to(), r.policy()));
    if (r.chart() != null) {
      outputs.add(r.chart());
    }
    for (Path out : outputs) {
      if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) && !r.force()) {
        throw new ImageException(ExitCodes.CANT_CREATE, out + " exists", "remove it, choose another file, or pass --force");
      }
    }
  }

  private static void checkImagePath(String option, String dir) {
    String n = LayerPaths.normalize(dir);
    if (!dir.startsWith("/") || n == null || n.isEmpty() || !("/" + n).equals(dir)) {
      throw usage(option + ": '" + dir + "' is not an absolute, normalized folder of the image other than /",
          "give it as /code, /app/data, ...");
    }
  }

  private static boolean overlap(String a, String b) {
    return a.equals(b) || a.startsWith(b + "/") || b.startsWith(a + "/");
  }

  private static ImageException usage(String message, String hint) {
    return new ImageException(ExitCodes.USAGE, message, hint);
  }

  /** The volume an encrypted directory becomes: {@code encrypted-} and its path with '-' for '/'. */
  static String encryptedVolumeName(String dir) {
    String name = "encrypted-" + dir.substring(1).replace('/', '-');
    return name.length() > 64 ? name.substring(0, 64) : name;
  }

  private static void checkAgainstImage(ConversionRequest r, Path rootfs) {
    for (String dir : r.encrypt()) {
      if (!Files.isDirectory(ChrootPaths.resolve(rootfs, dir, false), LinkOption.NOFOLLOW_LINKS)) {
        throw new ImageException(ExitCodes.USAGE, "--encrypt " + dir + " is not a directory of the image " + r.from(),
            "name a directory the image holds (not a link to one)");
      }
    }
    for (String dir : r.authenticate()) {
      if (!Files.isDirectory(ChrootPaths.resolve(rootfs, dir, false), LinkOption.NOFOLLOW_LINKS)) {
        throw new ImageException(ExitCodes.USAGE, "--authenticate " + dir + " is not a directory of the image " + r.from(),
            "name a directory the image holds (not a link to one)");
      }
    }
  }

  private static Map<String, String> environment(ObjectNode cfg) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode e : cfg.path("Env")) {
      String s = e.asText();
      int eq = s.indexOf('=');
      if (eq > 0) {
        env.put(s.substring(0, eq), s.substring(eq + 1));
      }
    }
    return env;
  }

  /** The file the command's first word starts in the image, found as the runtime will find it. */
  private static Path executable(Path rootfs, String program, String path) {
    List<String> candidates = new ArrayList<>();
    if (program.contains("/")) {
      candidates.add(program.startsWith("/") ? program : "/" + program);
    } else {
      for (String dir : path.split(":")) {
        if (!dir.isEmpty()) {
          candidates.add(dir + "/" + program);
        }
      }
    }
    for (String c : candidates) {
      Path p = ChrootPaths.resolve(rootfs, c, true);
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.isExecutable(p)) {
        return p;
      }
    }
    throw new ImageException(ExitCodes.USAGE, "--command: " + program + " is not an executable of the image"
        + (program.contains("/") ? "" : " on its PATH (" + path + ")"), "give a program the image holds, or its absolute path");
  }

  private static void emptyDirectory(Path dir) throws IOException {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path c : children) {
        DeleteTree.of(c);
      }
    }
  }

  /** Whether the layer entry {@code name} lies inside one of {@code dirs} (relative image paths). */
  static boolean insideAny(String name, List<String> dirs) {
    String p = LayerPaths.normalize(name);
    if (p == null) {
      return false;
    }
    for (String d : dirs) {
      if (LayerPaths.inside(p, d)) {
        return true;
      }
    }
    return false;
  }

  /** Marks the end of the sealed objects. */
  private static final Path END = Path.of("");

  /**
   * The image's own layer: the tree's manifest, what the sandbox binds over, the volumes' mount
   * points, and the sealed directories: each object as soon as {@code objects} announces it (the
   * sealing goes on meanwhile), then, once {@code sealing} is over, what it wrote last (headers,
   * manifests).
   */
  private static void confideLayer(LayerWriter w, ConversionRequest r, Path rootfs, Path sealed, BlockingQueue<Path> objects,
      Future<?> sealing, Path manifest) throws IOException {
    w.directory("/confide", 0755);
    w.directory(ENCRYPTED, 0755);
    w.file(MANIFEST, manifest, 0644);
    // the sandbox binds its own account files over these: an image without them (scratch-based)
    // gets empty ones to bind over, since the container's /etc is read-only in the sandbox
    if (Files.isDirectory(rootfs.resolve("etc"), LinkOption.NOFOLLOW_LINKS)) {
      for (String account : List.of("passwd", "group")) {
        if (!Files.exists(rootfs.resolve("etc").resolve(account), LinkOption.NOFOLLOW_LINKS)) {
          w.file("/etc/" + account, new byte[0], 0644);
        }
      }
    }
    for (ConversionRequest.Volume v : r.volumes()) {
      if (!Files.isDirectory(ChrootPaths.resolve(rootfs, v.path(), true))) {
        w.directory(v.path(), 0755);
      }
    }
    java.util.Set<Path> written = new java.util.HashSet<>();
    try {
      for (Path object; (object = objects.take()) != END; ) {
        Path at = sealed;
        for (Path name : sealed.relativize(object)) {
          at = at.resolve(name);
          if (written.add(at)) {
            w.entry(ENCRYPTED + "/" + sealed.relativize(at), at);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while writing the image's own layer");
    }
    result(sealing);
    List<Path> rest;
    try (var walk = Files.walk(sealed)) {
      rest = walk.filter(p -> !p.equals(sealed) && !written.contains(p)).sorted().toList();
    }
    for (Path p : rest) {
      w.entry(ENCRYPTED + "/" + sealed.relativize(p), p);
    }
  }

  private static String volumesVariable(List<EncryptedDir> encrypted, List<ConversionRequest.Volume> volumes) {
    List<String> items = new ArrayList<>();
    encrypted.forEach(e -> items.add(e.volume() + "=" + ENCRYPTED + "/" + e.volume()));
    volumes.forEach(v -> items.add(v.name() + "=" + v.path()));
    return String.join(",", items);
  }

  private static void configure(ObjectNode config, ObjectNode cfg, ConversionRequest r, String session, String volumes,
      Measurement measurement, List<EncryptedDir> encrypted) {
    String originalUser = cfg.path("User").asText("");
    ArrayNode env = JSON.createArrayNode();
    for (JsonNode e : cfg.path("Env")) {
      if (!e.asText().startsWith("CONFIDE_")) {
        env.add(e.asText());
      }
    }
    env.add(ContainerLaunch.SESSION + "=" + session);
    env.add(ContainerLaunch.SERVICE + "=" + r.name());
    env.add(ContainerLaunch.VOLUMES + "=" + volumes);
    if (r.streamOutput()) {
      env.add(ContainerLaunch.STREAM_OUTPUT + "=true");
    }
    if (r.cas() != null) {
      env.add(ContainerLaunch.CAS + "=" + r.cas());
    }
    if (r.casFingerprint() != null) {
      env.add(ContainerLaunch.FINGERPRINT + "=" + r.casFingerprint());
    }
    cfg.set("Env", env);
    ArrayNode entrypoint = cfg.putArray("Entrypoint");
    // the runtime's own Java, started directly: the image needs no shell
    ENTRYPOINT.forEach(entrypoint::add);
    cfg.remove("Cmd");
    cfg.put("WorkingDir", "/");
    cfg.put("User", "0:0");
    ObjectNode labels = cfg.with("Labels");
    labels.put(LABEL + "session", session);
    labels.put(LABEL + "service", r.name());
    labels.put(LABEL + "measurement", measurement.value());
    labels.put(LABEL + "command", r.command());
    labels.put(LABEL + "encrypted", String.join(",", encrypted.stream().map(e -> e.dir() + "=" + e.volume()).toList()));
    labels.put(LABEL + "authenticated", String.join(",", r.authenticate()));
    labels.put(LABEL + "volumes", String.join(",", r.volumes().stream().map(v -> v.name() + "=" + v.path()).toList()));
    labels.put(LABEL + "original-user", originalUser);
    ArrayNode history = config.withArray("history");
    ObjectNode h = history.addObject();
    h.put("created_by", "confide image convert --name " + r.name());
    h.put("comment", "Confide's runtime, the sealed directories and the authenticated tree's manifest");
  }

  /** Writes {@code text} to {@code target} as a private (0600) file, through a file beside it. */
  private static void writePrivate(Path target, String text, boolean force, Path work) throws IOException {
    Path temp = Files.createTempFile(target.toAbsolutePath().getParent(), ".confide-policy-", ".tmp",
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(temp, text);
      if (force) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
