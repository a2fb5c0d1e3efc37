package io.stratadb.cli.bench;

import io.stratadb.IsolationLevel;
import io.stratadb.WriteOptions;

/**
 * The parameters every benchmark thread shares.
 *
 * @param num number of keys: random keys are drawn from {@code [0, num)}
 * @param threads number of threads; each does {@code num / threads} operations
 * @param keySize key width in bytes (zero-padded decimal)
 * @param valueSize value size in bytes
 * @param writeOptions options for every put and delete
 * @param txnKeys keys the {@code txn} workload's transactions contend for
 * @param isolation isolation level of the {@code txn} workload
 * @param latency whether each operation's latency is recorded ({@link BenchThread#opDone()})
 */
record BenchConfig(long num, int threads, int keySize, int valueSize, WriteOptions writeOptions, long txnKeys,
    IsolationLevel isolation, boolean latency) {

  /** This configuration with {@code threads} threads. */
  BenchConfig withThreads(int threads) {
    return new BenchConfig(num, threads, keySize, valueSize, writeOptions, txnKeys, isolation, latency);
  }

  /** Operations each thread performs. */
  long opsPerThread() {
    return num / threads;
  }
}
