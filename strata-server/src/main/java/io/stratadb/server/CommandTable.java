package io.stratadb.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's commands by lower-case name. Immutable once built, so thread-safe.
 */
final class CommandTable {

  private final Map<String, CommandSpec> byName;
  /**
   * The commands again in an open-addressing table (linear probing) by the hash of their names'
   * bytes in ASCII lower case, so that looking a request's name up allocates nothing.
   */
  private final CommandSpec[] slots;
  private final byte[][] slotNames;

  private CommandTable(Map<String, CommandSpec> byName) {
    this.byName = Collections.unmodifiableMap(byName);
    int size = Integer.highestOneBit(Math.max(4, byName.size() * 4) - 1) << 1;
    slots = new CommandSpec[size];
    slotNames = new byte[size][];
    for (CommandSpec spec : byName.values()) {
      byte[] name = spec.name().getBytes(StandardCharsets.US_ASCII);
      int i = hashLowerCase(name) & (size - 1);
      while (slots[i] != null) {
        i = (i + 1) & (size - 1);
      }
      slots[i] = spec;
      slotNames[i] = name;
    }
  }

  /**
   * The command named {@code name} in any ASCII case, as Redis compares names ({@code strcasecmp}),
   * or null. Allocates nothing.
   */
  CommandSpec lookup(byte[] name) {
    int mask = slots.length - 1;
    for (int i = hashLowerCase(name) & mask; slots[i] != null; i = (i + 1) & mask) {
      if (equalsLowerCase(name, slotNames[i])) {
        return slots[i];
      }
    }
    return null;
  }

  private static int hashLowerCase(byte[] b) {
    int h = 0;
    for (byte x : b) {
      h = 31 * h + toLower(x);
    }
    return h ^ (h >>> 16);
  }

  private static boolean equalsLowerCase(byte[] name, byte[] lower) {
    if (name.length != lower.length) {
      return false;
    }
    for (int i = 0; i < name.length; i++) {
      if (toLower(name[i]) != lower[i]) {
        return false;
      }
    }
    return true;
  }

  private static int toLower(byte b) {
    return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
  }

  /** The command named {@code name} in any case, or null. */
  CommandSpec lookup(String name) {
    return byName.get(name.toLowerCase(Locale.ROOT));
  }

  /** Every command, in registration order. */
  Collection<CommandSpec> all() {
    return byName.values();
  }

  /** Collects commands. Not thread-safe. */
  static final class Builder {
    private final Map<String, CommandSpec> byName = new LinkedHashMap<>();

    /**
     * Adds a command that needs authentication.
     *
     * @param flags space-separated COMMAND flags
     * @throws IllegalStateException if the name is taken
     */
    Builder add(String name, int arity, String flags, int firstKey, int lastKey, int keyStep, Command body) {
      return add(new CommandSpec(name, arity, flagList(flags), firstKey, lastKey, keyStep, false, body, null));
    }

    /**
     * Adds a write command that a connection's pipeline batches ({@link PipelineBatch}); alone, it
     * runs as a batch of one over {@code store}.
     *
     * @throws IllegalStateException if the name is taken
     */
    Builder addBatched(String name, int arity, String flags, int firstKey, int lastKey, int keyStep,
        StringStore store, PipelineBatch.Command batched) {
      Command alone = (session, args) -> PipelineBatch.runAlone(store, batched, args);
      return add(new CommandSpec(name, arity, flagList(flags), firstKey, lastKey, keyStep, false, alone, batched));
    }

    /**
     * Adds a write command that is never batched in a pipeline: it runs as a batch of one over
     * {@code store} ({@link PipelineBatch#runAlone}), which records what it reads on a cluster node.
     *
     * @throws IllegalStateException if the name is taken
     */
    Builder addAlone(String name, int arity, String flags, int firstKey, int lastKey, int keyStep,
        StringStore store, PipelineBatch.Command command) {
      return add(name, arity, flags, firstKey, lastKey, keyStep,
          (session, args) -> PipelineBatch.runAlone(store, command, args));
    }

    /** Adds a command that runs before AUTH (AUTH, HELLO, QUIT). */
    Builder addNoAuth(String name, int arity, String flags, Command body) {
      return add(new CommandSpec(name, arity, flagList(flags + " no-auth"), 0, 0, 0, true, body, null));
    }

    private Builder add(CommandSpec spec) {
      if (byName.putIfAbsent(spec.name(), spec) != null) {
        throw new IllegalStateException("command registered twice: " + spec.name());
      }
      return this;
    }

    private static List<String> flagList(String flags) {
      return Arrays.stream(flags.trim().split(" +")).filter(f -> !f.isEmpty()).toList();
    }

    CommandTable build() {
      return new CommandTable(new LinkedHashMap<>(byName));
    }
  }
}
