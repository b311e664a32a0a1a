package dev.confide.cli.run;

import picocli.CommandLine.Command;

/** {@code confide host}: this machine as a place where runtimes run. */
@Command(name = "host", mixinStandardHelpOptions = true,
    description = "Prepare this machine to run Confide runtimes.",
    subcommands = {HostInitCommand.class, HostTrustCommand.class})
public final class HostCommand {}
