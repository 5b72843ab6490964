package org.mtasts.benchmarks;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a benchmark method with the baseline it is compared with and the target it must reach:
 * {@code ops/s(benchmark) / ops/s(baseline) >= target}, and with {@link #zeroAllocation()} a
 * {@code gc.alloc.rate.norm} that rounds to 0 B/op. {@link RatioTable} reads these annotations to
 * pair the results of a JMH run.
 *
 * <pre>{@code
 * @Benchmark
 * @Floor(row = "MX pattern match, exact", baseline = "equalsIgnoreCase", target = 0.5, zeroAllocation = true)
 * public boolean exact() { return pattern.matches(host); }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Floor {

    /** Returns the row's label in the ratio table. */
    String row();

    /** Returns the name of the baseline benchmark method in the same class. */
    String baseline();

    /** Returns the least acceptable ratio of this benchmark's ops/s to the baseline's. */
    double target();

    /** Returns whether the benchmark must allocate nothing per operation. */
    boolean zeroAllocation() default false;

    /**
     * Returns whether the row is for information only (a variant or a cost breakdown, not one of
     * the targets): the table shows its ratio and leaves "met" empty.
     */
    boolean informational() default false;
}
