package dev.confide.cli.session;

import picocli.CommandLine.Command;

/** {@code confide session}: policies at the CAS. */
@Command(name = "session", mixinStandardHelpOptions = true,
    description = "Create, update, show, hash, verify and lint sessions (policies); print the certificates one makes public.",
    subcommands = {SessionCreateCommand.class, SessionUpdateCommand.class, SessionShowCommand.class,
        SessionHashCommand.class, SessionVerifyCommand.class, SessionLintCommand.class, SessionValuesCommand.class})
public final class SessionCommand {}
