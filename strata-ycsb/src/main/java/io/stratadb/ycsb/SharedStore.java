package io.stratadb.ycsb;

import java.util.function.Function;

/**
 * One engine per JVM shared by all YCSB client threads, reference counted. YCSB creates one {@code
 * site.ycsb.DB} instance per client thread and calls {@code init()} and {@code cleanup()} on each;
 * an embedded engine locks its directory, so the first {@link #acquire} opens it, later ones
 * share it, and the last {@link #release()} closes it. A later {@link #acquire} reopens it.
 *
 * <p>Thread-safe: every method synchronizes on this object (which guards {@code store}, {@code
 * settings} and {@code references}).
 *
 * @param <S> the engine adapter
 */
final class SharedStore<S extends RecordStore> {
  private final Function<BindingSettings, S> opener;
  private S store;
  private BindingSettings settings;
  private int references;

  /** A holder that opens engines with {@code opener} (which throws unchecked on failure). */
  SharedStore(Function<BindingSettings, S> opener) {
    this.opener = opener;
  }

  /**
   * Returns the shared engine, opening it with {@code wanted} if no thread holds it.
   *
   * @throws IllegalArgumentException if the engine is open with different settings (two
   *     databases per JVM are not supported)
   * @throws RuntimeException whatever the opener throws; then nothing is held
   */
  synchronized S acquire(BindingSettings wanted) {
    if (store == null) {
      store = opener.apply(wanted);
      settings = wanted;
    } else if (!settings.equals(wanted)) {
      throw new IllegalArgumentException("engine already open with " + settings + ", asked for " + wanted);
    }
    references++;
    return store;
  }

  /**
   * Drops one reference; the last one closes the engine.
   *
   * @throws IllegalStateException if nothing is held
   * @throws RuntimeException whatever closing the engine throws; the engine counts as closed
   */
  synchronized void release() {
    if (references == 0) {
      throw new IllegalStateException("release() without acquire()");
    }
    if (--references == 0) {
      S closing = store;
      store = null;
      settings = null;
      closing.close();
    }
  }

  /** How many acquisitions are not yet released (for tests). */
  synchronized int references() {
    return references;
  }
}
