package dev.confide.cli;

import picocli.CommandLine.Command;

/** {@code confide cas}: run a CAS, pin one, read its audit log. */
@Command(name = "cas", mixinStandardHelpOptions = true,
    description = "Run a Configuration and Attestation Service, pin one, or check its audit log.",
    subcommands = {CasStartCommand.class, CasAddCommand.class, CasAuditCommand.class})
final class CasCommand {}
