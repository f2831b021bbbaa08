/**
 * JMH benchmarks. This module has no module descriptor on purpose: JMH generates classes into
 * {@code jmh_generated} packages and runs them reflectively from the shaded class-path jar
 * ({@code target/benchmarks.jar}), so a descriptor would only need to export generated packages.
 */
package io.github.tdx4j.bench;
