package dev.confide.cli.cas;

import picocli.CommandLine.Command;

/** {@code confide identity}: the user's client key, whose hash names them in access policies. */
@Command(name = "identity", mixinStandardHelpOptions = true,
    description = "Create or show your client identity (the key a CAS knows you by).",
    subcommands = {IdentityCreateCommand.class, IdentityShowCommand.class})
public final class IdentityCommand {}
