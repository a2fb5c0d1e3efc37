package io.stratadb.cli.command;

import picocli.CommandLine.Option;

/**
 * The {@code --create} option of the commands that write ({@code put}, {@code load}, {@code demo},
 * {@code serve}),
 * a picocli mixin: they create a database by themselves only in a missing or empty directory.
 * Not thread-safe (picocli sets the field once, before the command runs).
 */
final class CreateOption {

  @Option(names = "--create", description = "Create the database even if the directory holds other files "
      + "(without it, only a missing or empty directory gets a new database).")
  boolean create;
}
