package io.stratadb;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * TEST ONLY: runs one fuzz input under a time limit, so a reader that loops forever on a damaged
 * input fails the property (with the input) instead of hanging the build.
 */
public final class FuzzBounds {
  private FuzzBounds() {}

  /** Generous for inputs of a few hundred KiB; a healthy reader takes milliseconds. */
  private static final Duration LIMIT = Duration.ofSeconds(20);

  /** Returns what {@code body} returns, failing if it runs longer than the limit. */
  public static <T> T withinLimit(ThrowingSupplier<T> body) {
    return assertTimeoutPreemptively(LIMIT, body, "the reader did not finish: an endless loop?");
  }
}
