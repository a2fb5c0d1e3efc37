package io.stratadb.cli.command;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.admin.DbFileName;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code strata checkpoint DIR [--db DIR]}: makes an openable copy of the database in the new
 * directory DIR ({@link Db#checkpoint}), SSTables hard-linked where the file system allows, and
 * prints what it holds.
 */
@Command(name = "checkpoint",
    description = "Make a consistent, openable copy of the database in the new directory DIR (SSTables "
        + "hard-linked, WAL and manifest copied); DIR must not exist.")
public final class CheckpointCommand extends CliCommand {

  @Mixin DbDirOption db;

  @Parameters(index = "0", paramLabel = "DIR", description = "The checkpoint directory (must not exist).")
  Path target;

  @Override
  protected int run() throws IOException {
    try (Db d = db.openExisting(Options.defaults())) {
      d.checkpoint(target);
    }
    int tables = 0;
    int wals = 0;
    long bytes = 0;
    try (Stream<Path> files = Files.list(target)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        DbFileName.Kind kind = DbFileName.parse(p.getFileName().toString()).map(DbFileName::kind).orElse(null);
        tables += kind == DbFileName.Kind.TABLE ? 1 : 0;
        wals += kind == DbFileName.Kind.LOG ? 1 : 0;
        bytes += Files.size(p);
      }
    }
    out().printf("checkpoint of %s in %s: %d SSTables, %d WALs, %.1f KB%n", db.dir(), target, tables, wals,
        bytes / 1024.0);
    return 0;
  }
}
