package dev.confide.cli.run;

import picocli.CommandLine.Command;

/** {@code confide host}: this machine as a place where runtimes run, and the remote hosts a user adds. */
@Command(name = "host", mixinStandardHelpOptions = true,
    description = "This machine as a place where runtimes run, and the remote hosts you run on.",
    subcommands = {HostInitCommand.class, HostTrustCommand.class, HostAddCommand.class, HostListCommand.class,
        HostRemoveCommand.class, HostCheckCommand.class, HostInstallCommand.class})
public final class HostCommand {}
