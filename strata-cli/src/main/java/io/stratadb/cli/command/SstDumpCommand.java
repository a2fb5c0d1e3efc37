package io.stratadb.cli.command;

import io.stratadb.Compression;
import io.stratadb.admin.EntryType;
import io.stratadb.admin.SstFileDumper;
import io.stratadb.admin.TableProperties;
import io.stratadb.cli.CliCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata sst-dump FILE [--entries] [--hex] [--limit N]}: prints an SSTable's properties and
 * optionally its entries ({@link SstFileDumper}; RocksDB's {@code sst_dump --show_properties
 * --command=scan}). Every block read is checksum-verified: a damaged block ends the command with
 * exit code 1 and a message naming the file and the block's offset.
 */
@Command(name = "sst-dump",
    description = "Print an SSTable's properties (format, compression, entries, block sizes, key range, bloom "
        + "filter) and, with --entries, its entries; verifies every block's checksum (exit code 1 if damaged).")
public final class SstDumpCommand extends CliCommand {

  @Parameters(index = "0", paramLabel = "FILE", description = "The SSTable (NNNNNN.sst).")
  Path file;

  @Option(names = "--entries", description = "Also print the entries: key @ sequence TYPE => value.")
  boolean entries;

  @Option(names = "--hex", description = "Print keys and values in hex instead of escaped text.")
  boolean hex;

  @Option(names = "--limit", paramLabel = "N", description = "Print at most N entries (default: all; implies "
      + "--entries).")
  Long limit;

  @Override
  protected int run() {
    if (limit != null && limit < 0) {
      throw usageError("--limit must be >= 0, got " + limit);
    }
    PrintWriter out = out();
    try (SstFileDumper dumper = SstFileDumper.open(file)) {
      print(dumper.properties(), out);
      if (entries || limit != null) {
        out.println("entries:");
        dumper.entries(limit == null ? Long.MAX_VALUE : limit, (key, value) -> {
          String line = "  " + DumpFormat.internalKey(key, hex);
          if (key.type() == EntryType.PUT) {
            line += " => " + DumpFormat.bytes(value, hex);
          }
          out.print(line + '\n');
        });
      }
    }
    return 0;
  }

  private void print(TableProperties p, PrintWriter out) {
    out.printf("SSTable:            %s%n", p.file());
    out.printf("file size:          %d bytes%n", p.fileSize());
    out.printf("format version:     %d%n", p.formatVersion());
    out.printf("compression:        %s%n", compression(p.blocksByCompression()));
    out.printf("entries:            %d (%d puts, %d deletes), %d distinct user keys%n", p.entries(), p.puts(),
        p.deletes(), p.userKeys());
    out.printf("raw key bytes:      %d%n", p.rawKeyBytes());
    out.printf("raw value bytes:    %d%n", p.rawValueBytes());
    out.printf("data blocks:        %d, %d bytes stored, %d bytes uncompressed%n", p.dataBlocks(),
        p.dataStoredBytes(), p.dataRawBytes());
    out.printf("index block:        %d bytes at offset %d%n", p.indexBytes(), p.indexOffset());
    out.printf("filter block:       %s%n", p.filterBytes() == 0 ? "none"
        : p.filterBytes() + " bytes at offset " + p.filterOffset());
    out.printf("smallest key:       %s%n", DumpFormat.internalKey(p.smallest(), hex));
    out.printf("largest key:        %s%n", DumpFormat.internalKey(p.largest(), hex));
    out.printf("sequence range:     %s%n", p.entries() == 0 ? "(none)" : p.minSequence() + " .. " + p.maxSequence());
    if (p.filterBits() == 0) {
      out.printf("bloom filter:       none (every lookup reads the table)%n");
    } else {
      out.printf("bloom filter:       %d bits, %.2f bits/key, %d probes (hash functions), estimated "
          + "false-positive rate %.3f%%%n", p.filterBits(), p.bitsPerKey(), p.filterProbes(),
          100 * p.estimatedFalsePositiveRate());
    }
  }

  /** {@code lz4 (12 blocks), none (2 blocks)}, in the order of the codes. */
  private static String compression(Map<Compression, Integer> blocks) {
    if (blocks.isEmpty()) {
      return "(no data blocks)";
    }
    StringBuilder s = new StringBuilder();
    for (Map.Entry<Compression, Integer> e : new TreeMap<>(blocks).entrySet()) {
      s.append(s.length() == 0 ? "" : ", ").append(e.getKey().name().toLowerCase(java.util.Locale.ROOT))
          .append(" (").append(e.getValue()).append(e.getValue() == 1 ? " block)" : " blocks)");
    }
    return s.toString();
  }
}
