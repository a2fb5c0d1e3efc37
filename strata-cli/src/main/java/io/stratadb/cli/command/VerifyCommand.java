package io.stratadb.cli.command;

import io.stratadb.admin.DbAdmin;
import io.stratadb.admin.Finding;
import io.stratadb.admin.VerifyReport;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code strata verify}: checks every checksum of the database without opening it ({@link
 * DbAdmin#verify}): prints each damaged record or block ({@code damaged: FILE at offset N: REASON}),
 * each warning, what was checked, and a result line. Exit code 0 when no damage is found (warnings
 * allowed), 1 when some is, or when the directory holds no database.
 */
@Command(name = "verify",
    description = "Check every checksum of the database (CURRENT, manifest, SSTables, WALs) without opening it; "
        + "exit code 1 if anything is damaged.")
public final class VerifyCommand extends CliCommand {

  @Mixin DbDirOption db;

  @Override
  protected int run() {
    VerifyReport report = DbAdmin.verify(db.dir());
    for (Finding f : report.damage()) {
      out().println("damaged: " + f);
    }
    for (Finding f : report.warnings()) {
      out().println("warning: " + f);
    }
    out().printf("checked: %d manifest records, %d SSTables (%d data blocks), %d WALs (%d records), %.1f KB%n",
        report.manifestRecords(), report.tables(), report.dataBlocks(), report.wals(), report.walRecords(),
        report.bytes() / 1024.0);
    if (report.isClean()) {
      out().println("result: OK" + (report.warnings().isEmpty() ? "" : " (" + report.warnings().size() + " warnings)"));
      return 0;
    }
    out().println("result: " + report.damage().size() + " damaged (strata repair salvages what is readable)");
    return EXIT_FAILURE;
  }
}
