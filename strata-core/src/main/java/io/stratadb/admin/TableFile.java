package io.stratadb.admin;

import io.stratadb.manifest.FileMetadata;

/**
 * What the manifest records about one SSTable of a version. Immutable.
 *
 * @param number the table's file number: it lives in {@code NNNNNN.sst} ({@link DbFileName})
 * @param size its size in bytes
 * @param smallest its smallest key
 * @param largest its largest key
 */
public record TableFile(long number, long size, ParsedInternalKey smallest, ParsedInternalKey largest) {

  /** The public view of the manifest's record of a table (whose keys are well-formed once decoded). */
  static TableFile of(FileMetadata f) {
    return new TableFile(f.number(), f.size(), ParsedInternalKey.of(f.smallest()), ParsedInternalKey.of(f.largest()));
  }
}
