package io.stratadb.cli.command;

import io.stratadb.cli.Utf8;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code --hex} and {@code --base64} options of {@code put}, {@code get}, {@code delete} and
 * {@code scan} (a picocli mixin): how keys and values are written on the command line and in the
 * output, so that any bytes can be stored and read back.
 *
 * <p>Without either option, keys and values are text, stored as UTF-8. The JVM decodes the command
 * line with the locale's charset, and it replaces what it cannot decode by U+FFFD (with {@code
 * LANG=C}, every non-ASCII byte; in a UTF-8 locale, every invalid byte), so two different keys can
 * arrive as the same string. A text argument is therefore refused, as a usage error, when it holds
 * U+FFFD or does not survive encoding back to the locale's charset: the bytes typed are not known.
 * Text output that is not valid UTF-8 is refused too (by {@code get}) or escaped (by {@code scan}).
 *
 * <p>Not thread-safe (picocli sets the fields once, before the command runs).
 */
final class EncodingOptions {

  /** The charset the JVM decoded the command line with: the locale's. */
  private static final Charset ARGUMENT_CHARSET = argumentCharset();

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = "--hex", description = "Keys and values are hex (e.g. 6b6579 for 'key'), on the command line "
      + "and in the output; for bytes that are not text.")
  boolean hex;

  @Option(names = "--base64", description = "Keys and values are base64 (RFC 4648, with padding), on the command "
      + "line and in the output.")
  boolean base64;

  /**
   * The bytes a key or value argument stands for.
   *
   * @param argument the argument as the JVM received it
   * @param label what it is, for the message, e.g. {@code "KEY"}
   * @return its bytes
   * @throws ParameterException (a usage error) if both options are given, or the argument is not
   *     valid hex or base64, or is text the locale could not carry losslessly
   */
  byte[] argument(String argument, String label) {
    checkOneFormat();
    try {
      if (hex) {
        return HexFormat.of().parseHex(argument);
      }
      if (base64) {
        return Base64.getDecoder().decode(argument);
      }
      return text(argument, ARGUMENT_CHARSET);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(mixee.commandLine(), label + " '" + argument + "': " + e.getMessage());
    }
  }

  /**
   * {@code b} as {@code get} prints it: hex, base64, or the UTF-8 text it holds.
   *
   * @param b the bytes
   * @param what what they are, for the message, e.g. {@code "the value"}
   * @return the text to print
   * @throws ParameterException (a usage error) if both options are given
   * @throws IllegalArgumentException in text mode, if {@code b} is not valid UTF-8 (printing it
   *     would lose bytes)
   */
  String output(byte[] b, String what) {
    checkOneFormat();
    if (hex || base64) {
      return binary(b);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(what + " is not valid UTF-8 text: print it with --hex or --base64");
    }
  }

  /**
   * {@code b} as a field of a {@code scan} line: hex, base64, or escaped text ({@link
   * Utf8#escapedField}), never holding a tab or a line break.
   *
   * @param b the bytes
   * @return the field
   * @throws ParameterException (a usage error) if both options are given
   */
  String field(byte[] b) {
    checkOneFormat();
    return hex || base64 ? binary(b) : Utf8.escapedField(b);
  }

  /**
   * The UTF-8 bytes of a text argument the JVM decoded with {@code charset}.
   *
   * @throws IllegalArgumentException if it holds U+FFFD (the JVM's mark for bytes it could not
   *     decode) or does not encode back to {@code charset} unchanged
   */
  static byte[] text(String argument, Charset charset) {
    if (argument.indexOf('\uFFFD') >= 0 || !new String(argument.getBytes(charset), charset).equals(argument)) {
      throw new IllegalArgumentException("the locale's charset (" + charset.name() + ") cannot carry it unchanged, "
          + "so the bytes typed are not known; give it with --hex or --base64"
          + (charset.equals(StandardCharsets.UTF_8) ? "" : ", or use a UTF-8 locale"));
    }
    return Utf8.bytes(argument);
  }

  private String binary(byte[] b) {
    return hex ? HexFormat.of().formatHex(b) : Base64.getEncoder().encodeToString(b);
  }

  /**
   * Checks the options alone, for a command that may take no argument.
   *
   * @throws ParameterException (a usage error) if both options are given
   */
  void checkOneFormat() {
    if (hex && base64) {
      throw new ParameterException(mixee.commandLine(), "give --hex or --base64, not both");
    }
  }

  /** {@code sun.jnu.encoding}, which the launcher decodes arguments with; else the default charset. */
  private static Charset argumentCharset() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name == null ? Charset.defaultCharset() : Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return Charset.defaultCharset();
    }
  }
}
