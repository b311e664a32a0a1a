package dev.confide.cli.cas;

import picocli.CommandLine.Command;

/** {@code confide cas}: run a CAS, pin one, read its audit log, rotate its master key. */
@Command(name = "cas", mixinStandardHelpOptions = true,
    description = "Run a Configuration and Attestation Service, pin one, check its audit log, or rotate its master key.",
    subcommands = {CasStartCommand.class, CasAddCommand.class, CasAuditCommand.class, CasCollateralCommand.class,
        CasMasterKeyCommand.class})
public final class CasCommand {}
