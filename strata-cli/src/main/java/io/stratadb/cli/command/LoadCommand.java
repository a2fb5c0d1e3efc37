package io.stratadb.cli.command;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.WriteOptions;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata load FILE}: loads tab-separated or JSON lines in {@link io.stratadb.WriteBatch}es,
 * with a progress bar and a final line giving the count, time and rate.
 *
 * <p>A bad line stops the load with {@code FILE:LINE: what is wrong} on stderr and exit code 1;
 * the entries before it are written first, so none of them is lost, and the message says how many
 * there are. Line numbers count from 1 and include blank lines.
 */
@Command(name = "load", description = "Load key<TAB>value lines or JSON lines {\"key\": ..., \"value\": ...} "
    + "from FILE.")
public final class LoadCommand extends CliCommand {

  /** The progress bar is updated every 1024 lines (a mask). */
  private static final long PROGRESS_EVERY_LINES = 1023;

  @Mixin DbDirOption db;

  @Parameters(index = "0", paramLabel = "FILE", description = "UTF-8 input file.")
  Path file;

  @Option(names = "--format", paramLabel = "tsv|json|auto", defaultValue = "auto",
      converter = InputFormat.Converter.class,
      description = "Input format; auto (default) means JSON if the first non-blank character is '{'.")
  InputFormat format;

  @Option(names = "--key-only", description = "Accept lines without a tab as keys with an empty value "
      + "(e.g. a word list).")
  boolean keyOnly;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1000",
      description = "Entries per write batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--sync", description = "Fsync the write-ahead log after every batch.")
  boolean sync;

  @Option(names = "--no-progress", description = "Do not draw the progress bar.")
  boolean noProgress;

  @Override
  protected int run() throws IOException {
    if (batchSize < 1) {
      throw usageError("--batch-size must be at least 1, got " + batchSize);
    }
    if (!Files.isRegularFile(file)) {
      err().println(file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
      return EXIT_FAILURE;
    }
    Options options = Options.defaults();
    LineParser parser = new LineParser(format, keyOnly, options.maxKeySize(), options.maxValueSize());
    try (Db d = db.openOrCreate(options)) {
      return load(d, parser);
    }
  }

  private int load(Db d, LineParser parser) throws IOException {
    BatchWriter writer = new BatchWriter(d, batchSize, WriteOptions.of(sync));
    long start = System.nanoTime();
    String problem = null;
    long lineNumber;
    try (Utf8LineReader in = new Utf8LineReader(Files.newInputStream(file));
        LoadProgress progress = LoadProgress.start(err(), "load", Files.size(file), !noProgress)) {
      long entries = 0;
      try {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          KeyValue kv = parser.parse(line);
          if (kv != null) {
            writer.put(kv.key(), kv.value());
            entries++;
          }
          if ((in.lineNumber() & PROGRESS_EVERY_LINES) == 0) {
            progress.update(in.bytesRead(), entries);
          }
        }
        progress.update(in.bytesRead(), entries);
      } catch (BadLineException e) {
        problem = e.getMessage();
      }
      lineNumber = in.lineNumber();
      writer.flush();
    }
    if (problem != null) {
      err().println(file + ":" + lineNumber + ": " + problem + "; stopped there, " + writer.written()
          + " entries before it were loaded");
      return EXIT_FAILURE;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    out().printf("loaded %d entries (%s) from %s in %.2f s: %.0f entries/s, %.1f MB/s%n", writer.written(),
        parser.format().cliName(), file, seconds, writer.written() / seconds,
        writer.writtenBytes() / 1048576.0 / seconds);
    return 0;
  }
}
