package io.stratadb.cli.command;

import io.stratadb.Options;
import io.stratadb.admin.DbAdmin;
import io.stratadb.admin.Finding;
import io.stratadb.admin.RepairReport;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code strata repair}: salvages what is readable ({@link DbAdmin#repair}, LevelDB's {@code RepairDB}):
 * prints what was dropped ({@code dropped: FILE at offset N: REASON}), what was read and written,
 * and which files went to {@code lost/}. Exit code 0 when the database was rebuilt (even if data
 * was dropped), 1 when repair could not run (the database is open, or there is none).
 */
@Command(name = "repair",
    description = "Salvage a damaged database: rebuild it from every readable WAL record and SSTable block, "
        + "moving the old files into lost/.")
public final class RepairCommand extends CliCommand {

  @Mixin DbDirOption db;

  @Override
  protected int run() {
    RepairReport report = DbAdmin.repair(db.dir(), Options.defaults());
    for (Finding f : report.damage()) {
      out().println("dropped: " + f);
    }
    for (Finding f : report.warnings()) {
      out().println("warning: " + f);
    }
    out().printf("read: %d WALs (%d batches), %d SSTables (%d damaged, %d blocks dropped)%n", report.walsRead(),
        report.walBatches(), report.tablesRead(), report.tablesDamaged(), report.blocksDropped());
    out().printf("wrote: %d entries in %d SSTables at L1; CURRENT names MANIFEST-%06d (last sequence %d)%n",
        report.entriesWritten(), report.newTables().size(), report.manifestNumber(), report.lastSequence());
    out().printf("moved to %s: %s%n", db.dir().resolve(DbAdmin.LOST_DIR), String.join(" ", report.movedToLost()));
    out().println("result: repaired" + (report.damage().isEmpty() ? "" : ", " + report.damage().size()
        + " damaged records or blocks dropped") + " (check it with strata verify)");
    return 0;
  }
}
