package org.mtasts.tlsrpt;

/** Saturating sums of session counts: associative and commutative, never negative on overflow. */
final class Sums {
    private Sums() {}

    static long add(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
