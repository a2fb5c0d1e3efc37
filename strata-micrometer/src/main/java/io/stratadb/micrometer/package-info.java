/**
 * Micrometer meters for StrataDB: {@link io.stratadb.micrometer.StrataMetrics} binds a database's
 * {@link io.stratadb.Db#stats()} to a {@code MeterRegistry}, tagged by a database name.
 */
package io.stratadb.micrometer;
