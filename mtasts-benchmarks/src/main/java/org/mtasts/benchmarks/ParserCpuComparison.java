package org.mtasts.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.mtasts.tlsrpt.ParserComparison;

/**
 * Compares today's report parser with the frozen one of {@link ReportReadBenchmark} by the CPU time
 * of the reading thread, in one JVM, in alternating chunks of about 300 ms each (the order flips
 * every round): a companion to the JMH run for a machine shared with other work, where wall-clock
 * throughput swings by a factor of two between iterations but the CPU time a read takes does not.
 * Ten rounds warm up; the result is each parser's mean CPU nanoseconds per read and the ratio
 * frozen/named (above 1: today's parser is faster), with its median and quartiles over the rounds.
 *
 * <pre>{@code
 * java -cp mtasts-benchmarks/target/benchmarks.jar org.mtasts.benchmarks.ParserCpuComparison 60
 * }</pre>
 *
 * <p>Not thread-safe; confine to one thread.
 */
public final class ParserCpuComparison {

    private static final long CHUNK_CPU_NANOS = 300_000_000L;
    private static final int WARM_UP_ROUNDS = 10;

    /** Keeps the results alive, so that the JIT cannot drop the reads. */
    private static volatile Object sink;

    private ParserCpuComparison() {}

    /**
     * Runs the comparison and prints one line.
     *
     * @param args {@code [ROUNDS]}, default 60
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        if (rounds < 4) {
            throw new IllegalArgumentException("at least 4 rounds, for quartiles");
        }
        byte[] json = Inputs.report50();
        ParserComparison parsers = new ParserComparison();
        if (!parsers.readToday(json).equals(parsers.readFrozen(json))) {
            throw new IllegalStateException("today's and the frozen report parser disagree on the benchmark report");
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Double> ratios = new ArrayList<>();
        double frozenSum = 0;
        double namedSum = 0;
        for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
            boolean frozenFirst = (round & 1) == 0;
            double first = nanosPerRead(threads, parsers, json, frozenFirst);
            double second = nanosPerRead(threads, parsers, json, !frozenFirst);
            double frozen = frozenFirst ? first : second;
            double named = frozenFirst ? second : first;
            if (round >= 0) {
                ratios.add(frozen / named);
                frozenSum += frozen;
                namedSum += named;
            }
        }
        Collections.sort(ratios);
        System.out.printf("CPU ns per read: frozen %.0f, named %.0f; frozen/named %.3f (median %.3f, quartiles "
                + "%.3f-%.3f) over %d alternating rounds%n", frozenSum / rounds, namedSum / rounds, frozenSum / namedSum,
                ratios.get(rounds / 2), ratios.get(rounds / 4), ratios.get(3 * rounds / 4), rounds);
    }

    /** Reads for about {@link #CHUNK_CPU_NANOS} of this thread's CPU time; returns CPU ns per read. */
    private static double nanosPerRead(ThreadMXBean threads, ParserComparison parsers, byte[] json, boolean frozen) {
        long start = threads.getCurrentThreadCpuTime();
        long reads = 0;
        long now;
        do {
            for (int i = 0; i < 50; i++) {
                sink = frozen ? parsers.readFrozen(json) : parsers.readToday(json);
            }
            reads += 50;
            now = threads.getCurrentThreadCpuTime();
        } while (now - start < CHUNK_CPU_NANOS);
        return (now - start) / (double) reads;
    }
}
