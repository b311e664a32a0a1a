package dev.confide.cli.run;

import picocli.CommandLine.Command;

/** {@code confide runs}: remote runs whose committed outputs are still on their host. */
@Command(name = "runs", mixinStandardHelpOptions = true,
    description = "Remote runs whose outputs the CAS committed but that were not brought home (the connection was lost).",
    subcommands = {RunsListCommand.class, RunsFetchCommand.class})
public final class RunsCommand {}
