package dev.confide.cli.attest;

import picocli.CommandLine.Command;

/** {@code confide attest}: hardware evidence. */
@Command(name = "attest", mixinStandardHelpOptions = true,
    description = "Check hardware evidence (AMD SEV-SNP reports) as the CAS would, and say which check fails.",
    subcommands = {AttestVerifyCommand.class})
public final class AttestCommand {}
