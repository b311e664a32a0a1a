package dev.confide.cli.volume;

import picocli.CommandLine.Command;

/** {@code confide tree}: authenticated (plaintext, integrity-checked) trees. */
@Command(name = "tree", mixinStandardHelpOptions = true,
    description = "Authenticate a plaintext tree (an application's /usr) and verify it later.",
    subcommands = {TreeAuthenticateCommand.class, TreeVerifyCommand.class})
public final class TreeCommand {}
