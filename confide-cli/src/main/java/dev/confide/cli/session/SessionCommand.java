package dev.confide.cli.session;

import picocli.CommandLine.Command;

/** {@code confide session}: policies at the CAS. */
@Command(name = "session", mixinStandardHelpOptions = true,
    description = "Create, update, show, hash and verify sessions (policies) at a CAS.",
    subcommands = {SessionCreateCommand.class, SessionUpdateCommand.class, SessionShowCommand.class,
        SessionHashCommand.class, SessionVerifyCommand.class})
public final class SessionCommand {}
