package dev.confide.cli.cas;

import picocli.CommandLine.Command;

/** {@code confide cas}: run a CAS, pin one, read its audit log. */
@Command(name = "cas", mixinStandardHelpOptions = true,
    description = "Run a Configuration and Attestation Service, pin one, or check its audit log.",
    subcommands = {CasStartCommand.class, CasAddCommand.class, CasAuditCommand.class, CasCollateralCommand.class})
public final class CasCommand {}
