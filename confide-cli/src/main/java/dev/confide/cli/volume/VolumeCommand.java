package dev.confide.cli.volume;

import picocli.CommandLine.Command;

/** {@code confide volume}: encrypted, rollback-detectable volumes. */
@Command(name = "volume", mixinStandardHelpOptions = true,
    description = "Seal directory trees into encrypted volumes, and verify, open and update them.",
    subcommands = {VolumeSealCommand.class, VolumeOpenCommand.class, VolumeVerifyCommand.class, VolumeDemoCommand.class,
        VolumeUpdateCommand.class, VolumeShowCommand.class})
public final class VolumeCommand {}
