package io.stratadb.cli.command;

import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress bar of {@code strata load} (me.tongfei:progressbar), drawn on stderr with
 * carriage returns and measured in input bytes; or nothing, when disabled. It redraws from a
 * background thread four times a second. Not thread-safe: one loader thread calls it (the drawing
 * thread only touches the synchronized consumer).
 */
final class LoadProgress implements AutoCloseable {

  /** Width used when the COLUMNS environment variable does not say. */
  private static final int DEFAULT_WIDTH = 80;

  private final ProgressBar bar;
  private final WriterConsumer consumer;

  private LoadProgress(ProgressBar bar, WriterConsumer consumer) {
    this.bar = bar;
    this.consumer = consumer;
  }

  /**
   * Starts a bar named {@code task} that reaches 100% at {@code totalBytes}.
   *
   * @param err where to draw it
   * @param enabled false for no output at all
   */
  static LoadProgress start(PrintWriter err, String task, long totalBytes, boolean enabled) {
    if (!enabled) {
      return new LoadProgress(null, null);
    }
    WriterConsumer consumer = new WriterConsumer(err, width());
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(Math.max(totalBytes, 1))
        .setUnit(totalBytes >= 10L << 20 ? " MB" : " KB", totalBytes >= 10L << 20 ? 1 << 20 : 1 << 10)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(250)
        .setConsumer(consumer)
        .build();
    return new LoadProgress(bar, consumer);
  }

  /** Shows {@code bytesRead} of the input as read and {@code entries} loaded. */
  void update(long bytesRead, long entries) {
    if (bar != null) {
      bar.stepTo(bytesRead);
      bar.setExtraMessage(entries + " entries");
    }
  }

  /** Draws the bar a last time and ends its line, so later messages start on a fresh line. */
  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      // progressbar 0.10.2 skips the consumer's close when the bar is closed before its first
      // scheduled redraw (a load shorter than the update interval): end the line here instead.
      consumer.close();
    }
  }

  private static int width() {
    try {
      String columns = System.getenv("COLUMNS");
      return columns == null ? DEFAULT_WIDTH : Math.max(40, Integer.parseInt(columns.trim()));
    } catch (NumberFormatException e) {
      return DEFAULT_WIDTH;
    }
  }

  /** Draws on a {@link PrintWriter}, so the bar goes wherever picocli's stderr goes. */
  private static final class WriterConsumer implements ProgressBarConsumer {
    private final PrintWriter err;
    private final int width;
    /** Set once the line is ended; guarded by this. */
    private boolean closed;

    WriterConsumer(PrintWriter err, int width) {
      this.err = err;
      this.width = width;
    }

    @Override
    public int getMaxRenderedLength() {
      return width;
    }

    @Override
    public synchronized void accept(String rendered) {
      if (closed) {
        return;
      }
      String line = rendered.length() > width ? rendered.substring(0, width) : rendered;
      err.print('\r' + line);
      err.flush();
    }

    /** Ends the bar's line; idempotent. */
    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      err.println();
      err.flush();
    }
  }
}
