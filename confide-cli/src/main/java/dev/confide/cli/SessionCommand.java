package dev.confide.cli;

import picocli.CommandLine.Command;

/** {@code confide session}: policies at the CAS. */
@Command(name = "session", mixinStandardHelpOptions = true,
    description = "Create, update, show, hash and verify sessions (policies) at a CAS.",
    subcommands = {SessionCreateCommand.class, SessionUpdateCommand.class, SessionShowCommand.class,
        SessionHashCommand.class, SessionVerifyCommand.class})
final class SessionCommand {}
