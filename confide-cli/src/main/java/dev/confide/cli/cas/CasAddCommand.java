package dev.confide.cli.cas;

import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.CasPins;
import dev.confide.cli.CliFailure;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import dev.confide.cli.UserKeysLock;
import java.io.Console;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code confide cas add NAME URL [--fingerprint FP]}: pins a CAS's key as SSH pins a host key.
 * Without {@code --fingerprint} the key is shown and must be confirmed at a terminal.
 */
@Command(name = "add", mixinStandardHelpOptions = true,
    description = "Pin the CAS at URL under NAME; every later connection checks its key fingerprint.")
public final class CasAddCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME") String name;
  @Parameters(index = "1", paramLabel = "URL") String url;

  @Option(names = "--fingerprint", paramLabel = "SHA256:...", description = "The key fingerprint 'confide cas start' printed.")
  String fingerprint;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (!CasPins.validName(name)) {
      throw new CliFailure(ExitCodes.USAGE, "bad_name", "'" + name + "' is not a CAS name", "use letters, digits, '-' and '_'");
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null || !"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new CliFailure(ExitCodes.USAGE, "bad_url", "'" + url + "' is not an https:// URL", "write e.g. https://127.0.0.1:8081");
    }
    String presented = CasClient.presentedFingerprint(uri);
    String pin = fingerprint;
    if (pin == null) {
      pin = confirmAtTerminal(uri, presented);
    } else if (!CasPins.validFingerprint(pin)) {
      throw new CliFailure(ExitCodes.USAGE, "bad_fingerprint", "'" + pin + "' is not a key fingerprint",
          "copy the 'SHA256:...' line 'confide cas start' printed");
    }
    try (CasClient client = CasClient.connect(name, uri, pin, null)) {
      client.health();
    }
    CasPins pins = new CasPins(Main.dirs(spec).config());
    // read, change, write: two 'cas add' at once would each drop the other's pin
    CasPins.Pin pinned = new CasPins.Pin(name, uri, pin);
    Optional<CasPins.Pin> before = UserKeysLock.holding(Main.dirs(spec), () -> {
      Optional<CasPins.Pin> was = pins.find(pinned.name());
      pins.put(pinned);
      return was;
    });
    new Output(spec.commandLine().getOut(), common.json).report(
        before.isPresent() && !before.get().fingerprint().equals(pin)
            ? "Replaced the pin of CAS " + name + " (was " + before.get().fingerprint() + ")." : "Pinned CAS " + name + ".",
        Output.fields("name", name, "url", uri.toString(), "fingerprint", pin, "file", pins.file().toString()));
    return ExitCodes.OK;
  }

  private String confirmAtTerminal(URI uri, String presented) {
    Console console = System.console();
    if (console == null || !console.isTerminal()) {
      throw new CliFailure(ExitCodes.DENIED, "not_confirmed", "the CAS at " + uri + " presents key " + presented
          + "; nothing was pinned because no terminal can confirm it",
          "check the fingerprint with the CAS's operator, then run 'confide cas add " + name + " " + uri
              + " --fingerprint " + presented + "'");
    }
    console.printf("The CAS at %s presents key%n  %s%nCompare it with what 'confide cas start' printed there.%n", uri, presented);
    String answer = console.readLine("Trust this CAS? (yes/no) ");
    if (answer == null || !answer.strip().equalsIgnoreCase("yes")) {
      throw new CliFailure(ExitCodes.DENIED, "not_confirmed", "not confirmed; nothing was pinned", "run the command again to retry");
    }
    return presented;
  }
}
