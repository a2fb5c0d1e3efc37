package io.stratadb.kafka;

/** Closing what a failed store init had opened. Stateless. */
final class Closing {

  private Closing() {}

  /**
   * Closes each non-null resource, in order, adding any failure to {@code cause} as suppressed, so
   * that the init's own failure is the one thrown and nothing is left open.
   */
  static void closeAll(RuntimeException cause, AutoCloseable... resources) {
    for (AutoCloseable c : resources) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        cause.addSuppressed(e);
      }
    }
  }
}
