package dev.confide.cli.image;

import picocli.CommandLine.Command;

/** {@code confide image}: confidential container images. */
@Command(name = "image", mixinStandardHelpOptions = true,
    description = "Convert a container image into a confidential one with its session policy, and inspect images.",
    subcommands = {ImageConvertCommand.class, ImageInspectCommand.class, ImageDemoCommand.class})
public final class ImageCommand {}
