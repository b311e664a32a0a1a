package dev.confide.cli.run;

import picocli.CommandLine.Command;

/** {@code confide runtime}: the trusted side of a run, as started on a host. */
@Command(name = "runtime", mixinStandardHelpOptions = true,
    description = "The runtime that runs on a host: attests, opens volumes in private memory, runs the program sandboxed.",
    subcommands = {RuntimeRunCommand.class})
public final class RuntimeCommand {}
