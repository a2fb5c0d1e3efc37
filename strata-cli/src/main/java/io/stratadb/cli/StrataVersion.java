package io.stratadb.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The StrataDB version, read from {@code version.properties} (filled in by Maven from the project
 * version), and picocli's provider for {@code strata --version}. Stateless; thread-safe.
 */
public final class StrataVersion implements IVersionProvider {

  private static final String RESOURCE = "version.properties";

  /** Used by picocli through reflection. */
  public StrataVersion() {}

  /**
   * The project version, e.g. {@code 0.1.0-SNAPSHOT}, or {@code unknown} if the resource is
   * missing (classes run outside a Maven build).
   *
   * @return the version string, never null
   * @throws UncheckedIOException if the resource exists but cannot be read
   */
  public static String version() {
    try (InputStream in = StrataVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** The lines {@code strata --version} prints: the version, then the Java runtime. */
  @Override
  public String[] getVersion() {
    return new String[] {
      "strata " + version(),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
    };
  }
}
