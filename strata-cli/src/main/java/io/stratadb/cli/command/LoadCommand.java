package io.stratadb.cli.command;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.WriteOptions;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import io.stratadb.cli.ServedValues;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata load FILE}: loads tab-separated (plain, escaped, hex or base64) or JSON lines in
 * {@link io.stratadb.WriteBatch}es, with a progress bar and a final line giving the count, time and
 * rate. It creates the database only in a missing or empty directory, unless {@code --create}.
 *
 * <p>A bad line stops the load with {@code FILE:LINE: what is wrong} on stderr and exit code 1;
 * the entries before it are written first, so none of them is lost, and the message says how many
 * there are. Any other failure (reading the file, the engine, a bug) is handled the same way: the
 * entries read before it are written if the database still takes writes, and the message gives the
 * count loaded; its stack trace is printed only with {@code --verbose}. Line numbers count from 1
 * and include blank lines.
 */
@Command(name = "load", description = "Load key<TAB>value lines (plain, escaped as scan prints them, hex or "
    + "base64) or JSON lines {\"key\": ..., \"value\": ...} from FILE; creates the database in a missing or empty "
    + "directory.")
public final class LoadCommand extends CliCommand {

  /** The progress bar is updated every 1024 lines (a mask). */
  private static final long PROGRESS_EVERY_LINES = 1023;

  @Mixin DbDirOption db;

  @Mixin CreateOption create;

  @Parameters(index = "0", paramLabel = "FILE", description = "UTF-8 input file.")
  Path file;

  @Option(names = "--format", paramLabel = "tsv|escaped|hex|base64|json|auto", defaultValue = "auto",
      converter = InputFormat.Converter.class,
      description = "Input format: tsv (key<TAB>value as they are), escaped (C-style escapes \\t \\n \\r \\\\ "
          + "\\xHH in both, as scan prints them), hex or base64 (both fields encoded, as scan --hex or --base64 "
          + "prints them), json; auto (default) means JSON if the first non-blank character is '{', else tsv.")
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

  /** Test-only: opens the input file; a test replaces it to make reading fail part-way. */
  InputOpener testOnlyOpenInput = Files::newInputStream;

  /** Test-only: wraps the opened database; a test replaces it to make writes fail. */
  UnaryOperator<Db> testOnlyWrapDb = UnaryOperator.identity();

  /** Opens the input file. */
  @FunctionalInterface
  interface InputOpener {
    /**
     * Opens {@code file} for reading.
     *
     * @throws IOException if it cannot be opened
     */
    InputStream open(Path file) throws IOException;
  }

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
    try (Db d = db.openOrCreate(options, create.create)) {
      return load(testOnlyWrapDb.apply(d), parser);
    }
  }

  private int load(Db d, LineParser parser) throws IOException {
    BatchWriter writer = new BatchWriter(d, batchSize, WriteOptions.of(sync));
    ServedValues values = ServedValues.of(d);
    long start = System.nanoTime();
    String problem = null;
    Exception error = null;
    long lineNumber;
    try (Utf8LineReader in = new Utf8LineReader(testOnlyOpenInput.open(file), parser.maxLineBytes());
        LoadProgress progress = LoadProgress.start(err(), "load", Files.size(file), !noProgress)) {
      long entries = 0;
      try {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          KeyValue kv = parser.parse(line);
          if (kv != null) {
            writer.put(kv.key(), values.toStored(kv.value()));
            entries++;
          }
          if ((in.lineNumber() & PROGRESS_EVERY_LINES) == 0) {
            progress.update(in.bytesRead(), entries);
          }
        }
        progress.update(in.bytesRead(), entries);
      } catch (BadLineException e) {
        problem = e.getMessage();
      } catch (IOException | RuntimeException e) {
        error = e; // the batch boundary: what was read before the failure is written below all the same
      }
      lineNumber = in.lineNumber();
      try {
        writer.flush();
      } catch (RuntimeException e) {
        if (error == null) {
          error = e;
        } else {
          error.addSuppressed(e);
        }
      }
    }
    if (problem != null || error != null) {
      long lost = writer.pending();
      String where = problem == null ? file + ": failed after line " + lineNumber + ": " + describe(error)
          : file + ":" + lineNumber + ": " + problem + (error == null ? "" : "; then writing failed: " + describe(error));
      err().println(where + "; stopped there, " + writer.written() + (lost == 0 ? " entries before it were loaded"
          : " entries were loaded and the " + lost + " read after them were not"));
      if (error != null && verbose()) {
        error.printStackTrace(err());
      }
      return EXIT_FAILURE;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    out().printf("loaded %d entries (%s) from %s in %.2f s: %.0f entries/s, %.1f MB/s%n", writer.written(),
        parser.format().cliName(), file, seconds, writer.written() / seconds,
        writer.writtenBytes() / 1048576.0 / seconds);
    return 0;
  }
}
