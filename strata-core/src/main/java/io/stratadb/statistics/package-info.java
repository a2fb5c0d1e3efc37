/**
 * Internal (not exported by the module {@code io.stratadb}): operation counters, HdrHistogram
 * latency distributions and the JMX registration of {@link io.stratadb.DbMXBean}.
 */
package io.stratadb.statistics;
