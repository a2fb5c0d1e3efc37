package io.stratadb.cluster.nemesis;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Finds which of a few known processes owns the client end of a loopback TCP connection, from
 * Linux's {@code /proc/net/tcp}, {@code /proc/net/tcp6} and {@code /proc/PID/fd}: the row whose
 * local port is the client's port and whose remote port is the server's gives the socket's inode,
 * and the process with a descriptor {@code socket:[inode]} owns it. This is how a {@link
 * LinkProxy} in front of one node tells which node dialled it, so a partition can cut the link
 * between two nodes only.
 *
 * <p>Thread safety: immutable; the process map is read on every call.
 */
final class SocketOwners {
  /** What {@link #ownerOf} returns when the client's socket no longer exists (it closed, or its process died). */
  static final String GONE = "(gone)";

  private static final Path PROC = Path.of("/proc");
  private final Supplier<Map<String, Long>> pids;

  /**
   * @param pids the candidate owners, name to process id (read on every lookup, so restarted
   *     processes are found)
   */
  SocketOwners(Supplier<Map<String, Long>> pids) {
    this.pids = pids;
  }

  /** Whether this system has the {@code /proc} files the lookup reads (Linux). */
  static boolean supported() {
    return Files.isReadable(PROC.resolve("net/tcp"));
  }

  /**
   * The name of the process whose socket has local port {@code clientPort} and remote port
   * {@code serverPort}; {@link #GONE} if no process holds such a socket any more; null if none of the
   * candidates owns it (or the system has no {@code /proc}).
   *
   * @throws IOException if {@code /proc/net/tcp} cannot be read
   */
  String ownerOf(int clientPort, int serverPort) throws IOException {
    if (!supported()) {
      return null;
    }
    String inode = inodeOf(clientPort, serverPort);
    if (inode == null) {
      return GONE;
    }
    String link = "socket:[" + inode + "]";
    for (Map.Entry<String, Long> e : pids.get().entrySet()) {
      Path fds = PROC.resolve(e.getValue() + "/fd");
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(fds)) {
        for (Path fd : dir) {
          if (link.equals(readLink(fd))) {
            return e.getKey();
          }
        }
      } catch (NoSuchFileException gone) {
        // The process exited (a kill the nemesis made): it owns nothing.
      }
    }
    return null;
  }

  /**
   * The inode of the socket with those ports that a process holds; null if none does. Loopback
   * reuses a port pair still in TIME_WAIT (Linux's {@code tcp_tw_reuse}), so an old row without an
   * owner (inode 0) may sit beside the live one.
   */
  private static String inodeOf(int clientPort, int serverPort) throws IOException {
    for (String table : List.of("net/tcp", "net/tcp6")) {
      Path file = PROC.resolve(table);
      if (!Files.isReadable(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && port(f[1]) == clientPort && port(f[2]) == serverPort && !"0".equals(f[9])) {
          return f[9];
        }
      }
    }
    return null;
  }

  /** The port of {@code ADDRESS:PORT} as /proc writes it (the port in hex). */
  private static int port(String hexAddress) {
    return Integer.parseInt(hexAddress.substring(hexAddress.indexOf(':') + 1), 16);
  }

  private static String readLink(Path fd) throws IOException {
    try {
      return Files.readSymbolicLink(fd).toString();
    } catch (NoSuchFileException closed) {
      return null; // the descriptor was closed while we listed the directory
    }
  }
}
