package io.stratadb.jmh;

import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.sstable.BlockBuilder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * lz4-java's three LZ4 instances on one 4 KiB data block of {@code strata bench}'s shape (16-byte
 * keys, 100-byte values that compress to half, as db_bench's): {@code safe} (pure Java, array
 * bounds checked: the engine's default), {@code unsafe} (pure Java over {@code sun.misc.Unsafe},
 * what {@code LZ4Factory.fastestJavaInstance()} picks), {@code native} (the JNI binding, what
 * {@code -Dio.stratadb.lz4.native=true} picks). The block and the codec calls are those of the
 * engine's {@code BlockCompressor} (compress into a reused array; the safe decompressor, which checks its input).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Lz4CodecBenchmark {
  /**
   * The LZ4 implementation: {@code safe}, {@code unsafe} or {@code native}; see the class comment.
   */
  @Param({"safe", "unsafe", "native"})
  public String codec;

  private LZ4Compressor compressor;
  private LZ4SafeDecompressor decompressor;
  private byte[] raw;
  private byte[] compressed;
  private int compressedLength;
  private byte[] restored;

  /** The codec and a block of about 4 KiB, compressed once for the decompression benchmark. */
  @Setup
  public void setUp() {
    LZ4Factory factory = switch (codec) {
      case "safe" -> LZ4Factory.safeInstance();
      case "unsafe" -> LZ4Factory.unsafeInstance();
      case "native" -> LZ4Factory.nativeInstance();
      default -> throw new IllegalArgumentException("codec must be safe, unsafe or native: " + codec);
    };
    compressor = factory.fastCompressor();
    decompressor = factory.safeDecompressor();
    SplittableRandom random = new SplittableRandom(7);
    BlockBuilder builder = new BlockBuilder(16, 4096);
    for (int i = 0; i < 30; i++) {
      byte[] half = new byte[BenchData.VALUE_SIZE / 2];
      for (int j = 0; j < half.length; j++) {
        half[j] = (byte) (' ' + random.nextInt(95));
      }
      byte[] value = new byte[BenchData.VALUE_SIZE];
      System.arraycopy(half, 0, value, 0, half.length);
      System.arraycopy(half, 0, value, half.length, half.length);
      builder.add(InternalKey.encode(BenchData.key(1000L * i + random.nextInt(1000)), 1000 - i, ValueType.PUT), value);
    }
    raw = builder.finish();
    compressed = new byte[compressor.maxCompressedLength(raw.length)];
    compressedLength = compressor.compress(raw, 0, raw.length, compressed, 0, compressed.length);
    restored = new byte[raw.length];
  }

  /**
   * Compresses the block; returns the compressed length.
   *
   * @return the compressed length in bytes
   */
  @Benchmark
  public int compress() {
    return compressor.compress(raw, 0, raw.length, compressed, 0, compressed.length);
  }

  /**
   * Decompresses the block; returns its raw length.
   *
   * @return the raw length in bytes
   */
  @Benchmark
  public int decompress() {
    return decompressor.decompress(compressed, 0, compressedLength, restored, 0, restored.length);
  }
}
