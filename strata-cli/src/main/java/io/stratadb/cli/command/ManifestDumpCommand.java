package io.stratadb.cli.command;

import io.stratadb.admin.ManifestDumper;
import io.stratadb.admin.ManifestEdit;
import io.stratadb.admin.TableFile;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata manifest-dump [--db DIR | FILE]}: prints every version edit of a manifest (the one
 * {@code CURRENT} names in {@code --db}, or FILE), then the version they add up to ({@link
 * ManifestDumper}; RocksDB's {@code ldb manifest_dump}). Exit code 1 if the manifest is damaged
 * (after the edits before the damage).
 */
@Command(name = "manifest-dump",
    description = "Print every version edit of the manifest (the live one of --db, or FILE), then the resulting "
        + "version per level; exit code 1 if the manifest is damaged.")
public final class ManifestDumpCommand extends CliCommand {

  @Mixin DbDirOption db;

  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "A manifest file (MANIFEST-NNNNNN); "
      + "default: the one CURRENT names in --db.")
  Path file;

  @Option(names = "--hex", description = "Print keys in hex instead of escaped text.")
  boolean hex;

  @Override
  protected int run() {
    if (file != null && spec.commandLine().getParseResult().hasMatchedOption("--db")) {
      throw usageError("give either --db DIR or a manifest FILE, not both");
    }
    Path manifest = file != null ? file : ManifestDumper.currentManifest(db.dir());
    PrintWriter out = out();
    out.println("manifest: " + manifest);
    ManifestDumper.Result r = ManifestDumper.dump(manifest, edit -> {
      out.println("edit at offset " + edit.offset() + ":" + fields(edit));
      for (ManifestEdit.DeletedTable d : edit.deletedTables()) {
        out.println("  delete L" + d.level() + " #" + d.number());
      }
      for (ManifestEdit.AddedTable f : edit.addedTables()) {
        out.println("  add    L" + f.level() + " " + DumpFormat.table(f.table(), hex));
      }
    });
    if (r.droppedTailOffset() >= 0) {
      out.println(DumpFormat.tornTail(r.droppedTailOffset(), r.fileSize()));
    }
    out.println("current version (" + r.records() + " edits, " + r.fileSize() + " bytes): log number "
        + orNone(r.logNumber()) + ", next file number " + orNone(r.nextFileNumber()) + ", last sequence "
        + orNone(r.lastSequence()));
    for (int level = 0; level < r.levels().size(); level++) {
      List<TableFile> files = r.levels().get(level);
      long bytes = files.stream().mapToLong(TableFile::size).sum();
      out.println("  L" + level + ": " + files.size() + (files.size() == 1 ? " file, " : " files, ") + bytes
          + " bytes");
      for (TableFile f : files) {
        out.println("    " + DumpFormat.table(f, hex));
      }
    }
    return 0;
  }

  /** The edit's scalar fields, e.g. {@code " log number 4, last sequence 100"}; empty if none. */
  private static String fields(ManifestEdit edit) {
    List<String> parts = new ArrayList<>();
    if (edit.comparatorName() != null) {
      parts.add("comparator " + edit.comparatorName());
    }
    if (edit.logNumber() != null) {
      parts.add("log number " + edit.logNumber());
    }
    if (edit.nextFileNumber() != null) {
      parts.add("next file number " + edit.nextFileNumber());
    }
    if (edit.lastSequence() != null) {
      parts.add("last sequence " + edit.lastSequence());
    }
    return parts.isEmpty() ? "" : " " + String.join(", ", parts);
  }

  private static String orNone(Long n) {
    return n == null ? "(none)" : n.toString();
  }
}
