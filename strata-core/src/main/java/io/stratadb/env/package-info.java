/**
 * The file-system interface through which the engine does all its file I/O (LevelDB's {@code Env},
 * Pebble's {@code vfs}): {@link io.stratadb.env.FileSystem}, its files ({@link
 * io.stratadb.env.WritableFile}, {@link io.stratadb.env.ReadableFile}) and the directory lock
 * ({@link io.stratadb.env.FileLockHandle}). {@link io.stratadb.env.LocalFileSystem} is the
 * default; an application or a test may hand another implementation to {@code
 * Options.Builder.fileSystem} (to inject faults, count bytes or simulate power loss). Exported by
 * the module as part of the API; implementations must be thread-safe.
 */
package io.stratadb.env;
