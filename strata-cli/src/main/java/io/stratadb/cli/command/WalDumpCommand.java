package io.stratadb.cli.command;

import io.stratadb.admin.EntryType;
import io.stratadb.admin.WalDumper;
import io.stratadb.cli.CliCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata wal-dump FILE [--hex]}: prints every record of a write-ahead log with its offset,
 * first sequence number and count, and each operation ({@link WalDumper}; RocksDB's {@code ldb
 * dump_wal --print_value}). A torn tail is reported and dropped, as recovery drops it (exit code
 * 0); damage followed by valid records ends the command with exit code 1 and a message naming the
 * file and offset, after the records before it.
 */
@Command(name = "wal-dump",
    description = "Print every record of a write-ahead log: offset, sequence, count and each PUT/DELETE; "
        + "a torn tail is reported, damage in the middle exits with code 1.")
public final class WalDumpCommand extends CliCommand {

  @Parameters(index = "0", paramLabel = "FILE", description = "The WAL (NNNNNN.log).")
  Path file;

  @Option(names = "--hex", description = "Print keys and values in hex instead of escaped text.")
  boolean hex;

  @Override
  protected int run() {
    PrintWriter out = out();
    out.println("WAL: " + file);
    WalDumper.Result r = WalDumper.dump(file, record -> {
      StringBuilder s = new StringBuilder();
      s.append("record at offset ").append(record.offset()).append(": sequence ").append(record.sequence())
          .append(", count ").append(record.ops().size()).append('\n');
      for (WalDumper.Op op : record.ops()) {
        s.append("  ").append(op.sequence()).append(' ').append(op.type()).append(' ')
            .append(DumpFormat.bytes(op.key(), hex));
        if (op.type() == EntryType.PUT) {
          s.append(" => ").append(DumpFormat.bytes(op.value(), hex));
        }
        s.append('\n');
      }
      out.print(s);
    });
    if (r.droppedTailOffset() >= 0) {
      out.println(DumpFormat.tornTail(r.droppedTailOffset(), r.fileSize()) + " (writes not synced before a crash)");
    }
    out.println(r.records() + " records, " + r.ops() + " operations, last sequence "
        + (r.lastSequence() < 0 ? "(none)" : r.lastSequence()) + ", " + r.fileSize() + " bytes");
    return 0;
  }
}
