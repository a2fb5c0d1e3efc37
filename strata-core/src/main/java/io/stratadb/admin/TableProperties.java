package io.stratadb.admin;

import io.stratadb.Compression;
import java.util.Map;

/**
 * What {@link SstFileDumper} learned about one SSTable by reading every block (RocksDB's {@code
 * TableProperties} as {@code sst_dump --show_properties} prints them; StrataDB's format v1 stores
 * no properties block, so they are computed). Immutable.
 *
 * @param file the table's path
 * @param fileSize file size in bytes
 * @param formatVersion SSTable format version from the footer
 * @param dataBlocks number of data blocks (entries of the index block)
 * @param dataStoredBytes bytes of data blocks as stored (compressed), trailers excluded
 * @param dataRawBytes bytes of data blocks after decompression
 * @param blocksByCompression number of data blocks stored with each compression type
 * @param indexOffset file offset of the index block
 * @param indexBytes size of the index block in bytes, its trailer excluded
 * @param filterOffset file offset of the filter block
 * @param filterBytes size of the filter block in bytes, its trailer excluded; 0 when the table has no
 *     bloom filter
 * @param entries entries (puts and tombstones)
 * @param puts entries of type PUT
 * @param deletes entries of type DELETE (tombstones)
 * @param userKeys distinct user keys (the keys the bloom filter was built over)
 * @param rawKeyBytes sum of stored key lengths (user key plus the 8-byte sequence and type trailer)
 * @param rawValueBytes sum of value lengths
 * @param smallest first key, or null for a table without entries
 * @param largest last key, or null for a table without entries
 * @param minSequence lowest sequence number, or -1 without entries
 * @param maxSequence highest sequence number, or -1 without entries
 * @param filterBits bits in the bloom filter's bit array, 0 without a filter
 * @param filterProbes the bloom filter's probe count k (hash functions), 0 without a filter
 */
public record TableProperties(String file, long fileSize, int formatVersion, int dataBlocks, long dataStoredBytes,
    long dataRawBytes, Map<Compression, Integer> blocksByCompression, long indexOffset, long indexBytes,
    long filterOffset, long filterBytes, long entries, long puts, long deletes, long userKeys, long rawKeyBytes,
    long rawValueBytes, ParsedInternalKey smallest, ParsedInternalKey largest, long minSequence,
    long maxSequence, long filterBits, int filterProbes) {

  /**
   * Copies the map.
   *
   * @param file the table's path
   * @param fileSize file size in bytes
   * @param formatVersion SSTable format version from the footer
   * @param dataBlocks number of data blocks (entries of the index block)
   * @param dataStoredBytes bytes of data blocks as stored (compressed), trailers excluded
   * @param dataRawBytes bytes of data blocks after decompression
   * @param blocksByCompression number of data blocks stored with each compression type
   * @param indexOffset file offset of the index block
   * @param indexBytes size of the index block in bytes, its trailer excluded
   * @param filterOffset file offset of the filter block
   * @param filterBytes size of the filter block in bytes, its trailer excluded; 0 when the table
   *     has no
   *     bloom filter
   * @param entries entries (puts and tombstones)
   * @param puts entries of type PUT
   * @param deletes entries of type DELETE (tombstones)
   * @param userKeys distinct user keys (the keys the bloom filter was built over)
   * @param rawKeyBytes sum of stored key lengths (user key plus the 8-byte sequence and type
   *     trailer)
   * @param rawValueBytes sum of value lengths
   * @param smallest first key, or null for a table without entries
   * @param largest last key, or null for a table without entries
   * @param minSequence lowest sequence number, or -1 without entries
   * @param maxSequence highest sequence number, or -1 without entries
   * @param filterBits bits in the bloom filter's bit array, 0 without a filter
   * @param filterProbes the bloom filter's probe count k (hash functions), 0 without a filter
   */
  public TableProperties {
    blocksByCompression = Map.copyOf(blocksByCompression);
  }

  /**
   * Filter bits per distinct user key.
   *
   * @return the ratio; 0 without a filter or keys
   */
  public double bitsPerKey() {
    return userKeys == 0 ? 0 : (double) filterBits / userKeys;
  }

  /**
   * The bloom filter's expected false-positive rate for a key not in the table, {@code (1 -
   * e^(-k n / m))^k} for {@code m} bits, {@code n} keys and {@code k} probes (Bloom 1970; Broder and
   * Mitzenmacher, "Network Applications of Bloom Filters"); 1 without a filter, since every lookup
   * then reads the table.
   *
   * @return the rate, from 0 to 1
   */
  public double estimatedFalsePositiveRate() {
    if (filterBits == 0 || filterProbes == 0) {
      return 1.0;
    }
    return Math.pow(1 - Math.exp(-(double) filterProbes * userKeys / filterBits), filterProbes);
  }
}
