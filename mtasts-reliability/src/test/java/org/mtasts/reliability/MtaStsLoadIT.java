package org.mtasts.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.TxtAnswer;
import org.mtasts.core.TxtResolver;
import org.mtasts.http.FetchFailure;
import org.mtasts.http.FetchResult;
import org.mtasts.http.InMemoryPolicyStore;
import org.mtasts.http.MtaSts;
import org.mtasts.http.PolicyFetcher;
import org.mtasts.http.PolicyResolution;
import org.mtasts.testkit.MutableClock;

/**
 * The load run: {@value #THREADS} threads call {@link MtaSts#resolve} over {@value #DOMAINS}
 * domains for {@code mtasts.load.seconds} (default 60) seconds, with a skewed mix of cache hits,
 * record id changes (refetches), expiries, proactive refresh passes, injected failures (DNS, fetch,
 * no record) and slow policy hosts, on a store bounded below the number of domains. Checked: no
 * outcome beyond the injected ones, the store's bound, single flight (never two fetches of one
 * domain at once), no thread or descriptor left, and the p99 of cache hits (reported; asserted
 * only against a very generous sanity bound). The figures are printed at the end.
 *
 * <p>Time inside {@link MtaSts} comes from a {@link MutableClock} that a driver thread moves by
 * {@value #SIMULATED_SECONDS_PER_TICK} s every {@value #TICK_MILLIS} ms of real time, so that
 * policies expire and become due for refresh during the run.
 */
@Tag("load")
class MtaStsLoadIT {
    static final int THREADS = 32;
    static final int DOMAINS = 10_000;
    static final int STORE_LIMIT = 6_000;
    static final int TICK_MILLIS = 100;
    static final int SIMULATED_SECONDS_PER_TICK = 60;
    static final long RUN_SECONDS = Long.getLong("mtasts.load.seconds", 60);

    /** What a domain does, chosen by its index. */
    enum Behaviour {
        /** Answers and serves its policy (max_age one day). */
        NORMAL,
        /** Serves a short-lived policy (max_age 10 minutes): expires and is refetched during the run. */
        SHORT_LIVED,
        /** Changes its record id every few seconds: refetched each time. */
        ROTATING,
        /** Its policy host is slow: 50-250 ms per fetch. */
        SLOW,
        /** Its TXT lookup fails temporarily. */
        DNS_FAILURE,
        /** Has a record, but its policy fetch fails. */
        FETCH_FAILURE,
        /** Has no record. */
        NO_RECORD
    }

    static Behaviour behaviour(int i) {
        int bucket = i % 100;
        if (bucket < 70) {
            return Behaviour.NORMAL;
        } else if (bucket < 78) {
            return Behaviour.SHORT_LIVED;
        } else if (bucket < 83) {
            return Behaviour.ROTATING;
        } else if (bucket < 87) {
            return Behaviour.SLOW;
        } else if (bucket < 91) {
            return Behaviour.DNS_FAILURE;
        } else if (bucket < 95) {
            return Behaviour.FETCH_FAILURE;
        }
        return Behaviour.NO_RECORD;
    }

    /**
     * A TXT table served from memory with completed futures, allocation-free: the test kit's
     * FakeTxtResolver keeps a lookup log behind one lock, which would measure the fake rather than
     * {@link MtaSts} under 32 threads.
     */
    static final class TableResolver implements TxtResolver {
        final Map<String, CompletableFuture<TxtAnswer>> answers = new ConcurrentHashMap<>();
        final AtomicLong lookups = new AtomicLong();

        @Override
        public CompletableFuture<TxtAnswer> resolveTxtAsync(String name) {
            lookups.incrementAndGet();
            CompletableFuture<TxtAnswer> answer = answers.get(name);
            return answer != null ? answer : CompletableFuture.completedFuture(new TxtAnswer.NoRecords(true));
        }

        void records(String name, String text) {
            answers.put(name, CompletableFuture.completedFuture(new TxtAnswer.Records(List.of(text))));
        }
    }

    /** Serves policies by behaviour, counts fetches and checks that no domain is fetched twice at once. */
    static final class LoadFetcher implements PolicyFetcher {
        final ScheduledExecutorService slow = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "load-slow-host");
            t.setDaemon(true);
            return t;
        });
        final AtomicReferenceArray<Object> inFlight = new AtomicReferenceArray<>(DOMAINS);
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicLong fetches = new AtomicLong();
        final StsPolicy day = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: mx.load.test\nmax_age: 86400\n").orElseThrow();
        final StsPolicy tenMinutes = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: mx.load.test\nmax_age: 600\n").orElseThrow();

        @Override
        public CompletableFuture<FetchResult> fetchAsync(DomainName domain) {
            fetches.incrementAndGet();
            int i = index(domain);
            Object token = new Object();
            if (!inFlight.compareAndSet(i, null, token)) {
                overlaps.incrementAndGet(); // RFC 8461 §3.3 single flight broken: two fetches at once
            }
            Behaviour b = behaviour(i);
            StsPolicy policy = b == Behaviour.SHORT_LIVED ? tenMinutes : day;
            FetchResult result = b == Behaviour.FETCH_FAILURE
                    ? new FetchResult.Failed(FetchFailure.CONNECT, "injected: connection refused", null)
                    : new FetchResult.Fetched(policy, policy.toText(), List.of(), List.of());
            if (b == Behaviour.SLOW) {
                CompletableFuture<FetchResult> later = new CompletableFuture<>();
                long delay = 50 + (i * 7919L) % 200;
                slow.schedule(() -> {
                    inFlight.compareAndSet(i, token, null);
                    later.complete(result);
                }, delay, TimeUnit.MILLISECONDS);
                return later;
            }
            inFlight.compareAndSet(i, token, null);
            return CompletableFuture.completedFuture(result);
        }
    }

    static int index(DomainName domain) {
        String first = domain.firstLabel();
        return Integer.parseInt(first.substring(1));
    }

    static String name(int i) {
        return "d" + i + ".load.test";
    }

    /** A log-linear latency histogram: 2^e buckets with 32 steps each, lock-free. */
    static final class Histogram {
        final AtomicLongArray counts = new AtomicLongArray(64 * 32);

        void record(long nanos) {
            counts.incrementAndGet(bucket(Math.max(1, nanos)));
        }

        static int bucket(long v) {
            int e = 63 - Long.numberOfLeadingZeros(v);
            int sub = e < 5 ? (int) (v << (5 - e)) & 31 : (int) (v >>> (e - 5)) & 31;
            return e * 32 + sub;
        }

        static long lower(int bucket) {
            int e = bucket / 32;
            int sub = bucket % 32;
            return e < 5 ? 1L << e : (32L + sub) << (e - 5);
        }

        long total() {
            long n = 0;
            for (int i = 0; i < counts.length(); i++) {
                n += counts.get(i);
            }
            return n;
        }

        long percentile(double p) {
            long target = (long) Math.ceil(total() * p);
            long seen = 0;
            for (int i = 0; i < counts.length(); i++) {
                seen += counts.get(i);
                if (seen >= target && counts.get(i) > 0) {
                    return lower(i);
                }
            }
            return 0;
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3, §5: 32 threads, 10,000 domains, hits, refetches, refreshes, failures and slow hosts")
    void load() throws Exception {
        // JDK facilities the test itself uses open descriptors on first use: touch them before the snapshot.
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.getHeapMemoryUsage();
        java.net.InetAddress.getLocalHost();
        Leaks.Snapshot before = Leaks.take();
        MutableClock clock = MutableClock.of(Instant.parse("2026-11-28T00:00:00Z"));
        TableResolver dns = new TableResolver();
        AtomicInteger[] ids = new AtomicInteger[DOMAINS];
        for (int i = 0; i < DOMAINS; i++) {
            ids[i] = new AtomicInteger(1);
            switch (behaviour(i)) {
                case DNS_FAILURE -> dns.answers.put("_mta-sts." + name(i), CompletableFuture.completedFuture(
                        new TxtAnswer.TemporaryFailure("injected: SERVFAIL", null)));
                case NO_RECORD -> { }
                default -> dns.records("_mta-sts." + name(i), "v=STSv1; id=1");
            }
        }
        LoadFetcher fetcher = new LoadFetcher();
        InMemoryPolicyStore store = new InMemoryPolicyStore(STORE_LIMIT, clock);
        ScheduledExecutorService refreshScheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "load-refresh"));
        MtaSts sts = MtaSts.builder().txtResolver(dns).fetcher(fetcher).store(store).clock(clock)
                .refreshScheduler(refreshScheduler).refreshInterval(Duration.ofSeconds(2)).refreshAge(Duration.ofMinutes(30))
                .refreshSpread(Duration.ofSeconds(1)).refreshConcurrency(8).build();

        Histogram hits = new Histogram();
        Histogram others = new Histogram();
        AtomicLong resolutions = new AtomicLong();
        AtomicLong fresh = new AtomicLong();
        AtomicLongArray outcomes = new AtomicLongArray(Behaviour.values().length * OUTCOMES.length);
        List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger maxStoreSize = new AtomicInteger();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(RUN_SECONDS);
        CountDownLatch stop = new CountDownLatch(1);

        // The driver: moves the clock, rotates record ids, watches the store's bound.
        ExecutorService driver = Executors.newSingleThreadExecutor(r -> new Thread(r, "load-driver"));
        Future<?> driving = driver.submit(() -> {
            SplittableRandom random = new SplittableRandom(1);
            long refreshes = 0;
            while (!stop.await(TICK_MILLIS, TimeUnit.MILLISECONDS)) {
                clock.advance(Duration.ofSeconds(SIMULATED_SECONDS_PER_TICK));
                for (int k = 0; k < 20; k++) {
                    int i = random.nextInt(DOMAINS);
                    if (behaviour(i) == Behaviour.ROTATING) {
                        dns.records("_mta-sts." + name(i), "v=STSv1; id=" + ids[i].incrementAndGet());
                    }
                }
                maxStoreSize.accumulateAndGet(store.size(), Math::max);
                if (++refreshes % 20 == 0) {
                    sts.refreshNow();
                }
            }
            return null;
        });

        ExecutorService workers = Executors.newFixedThreadPool(THREADS, r -> new Thread(r, "load-worker"));
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long seed = t;
            running.add(workers.submit(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                DomainName[] names = new DomainName[DOMAINS];
                for (int i = 0; i < DOMAINS; i++) {
                    names[i] = DomainName.of(name(i));
                }
                while (System.nanoTime() < end) {
                    // Skewed: 80% of calls go to the first 10% of domains (hot), the rest anywhere.
                    int i = random.nextInt(10) < 8 ? random.nextInt(DOMAINS / 10) : random.nextInt(DOMAINS);
                    long start = System.nanoTime();
                    PolicyResolution r = sts.resolve(names[i]);
                    long nanos = System.nanoTime() - start;
                    resolutions.incrementAndGet();
                    if (r instanceof PolicyResolution.Active active && !active.fresh()) {
                        hits.record(nanos);
                    } else {
                        others.record(nanos);
                        if (r instanceof PolicyResolution.Active) {
                            fresh.incrementAndGet();
                        }
                    }
                    Behaviour b = behaviour(i);
                    outcomes.incrementAndGet(b.ordinal() * OUTCOMES.length + outcome(r));
                    if (!expected(b, r) && unexpected.size() < 20) {
                        unexpected.add(names[i] + " " + b + ": " + r);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get(RUN_SECONDS + 60, TimeUnit.SECONDS);
        }
        stop.countDown();
        driving.get(60, TimeUnit.SECONDS);
        workers.shutdown();
        driver.shutdown();
        sts.close();
        refreshScheduler.shutdown();
        fetcher.slow.shutdown();
        assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(refreshScheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(fetcher.slow.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        memory.gc();
        long heapAfter = memory.getHeapMemoryUsage().getUsed();
        String figures = String.format("load: %d s, %d threads, %d domains, store limit %d%n"
                        + "  resolutions %,d (%,d/s), cache hits %,d, fresh fetches seen %,d, fetcher calls %,d, TXT lookups %,d%n"
                        + "  outcomes %s%n"
                        + "  cache hit latency: p50 %,d ns, p99 %,d ns, p99.9 %,d ns; other resolutions p99 %,d ns%n"
                        + "  store size at most %,d (limit %,d), now %,d; single-flight overlaps %d; heap after GC %,d KiB",
                RUN_SECONDS, THREADS, DOMAINS, STORE_LIMIT, resolutions.get(), resolutions.get() / RUN_SECONDS,
                hits.total(), fresh.get(), fetcher.fetches.get(), dns.lookups.get(), describe(outcomes),
                hits.percentile(0.50), hits.percentile(0.99), hits.percentile(0.999), others.percentile(0.99),
                maxStoreSize.get(), STORE_LIMIT, store.size(), fetcher.overlaps.get(), heapAfter / 1024);
        System.out.println(figures);
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("target"));
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "load-figures.txt"), figures + "\n");

        assertThat(unexpected).as("outcomes beyond the injected faults").isEmpty();
        assertThat(fetcher.overlaps.get()).as("two fetches of one domain at once").isZero();
        assertThat(maxStoreSize.get()).as("the store's bound").isLessThanOrEqualTo(STORE_LIMIT);
        assertThat(store.size()).isLessThanOrEqualTo(STORE_LIMIT);
        assertThat(hits.total()).as("cache hits").isPositive();
        assertThat(fresh.get()).as("refetches").isPositive();
        // A sanity bound only (no performance assertion): a cache hit is a map lookup, never a wait.
        assertThat(hits.percentile(0.99)).as("p99 of cache hits, ns").isLessThan(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(heapAfter).as("heap after GC").isLessThan(512L * 1024 * 1024);
        Leaks.assertNoLeakSince(before, Duration.ofSeconds(10));
    }

    /** What a resolution was, for the counts. */
    static final String[] OUTCOMES = {"cache hit", "fetched", "no policy (fetch failed)", "no policy (no record)",
        "no policy (other)", "temporary failure (DNS)", "temporary failure (other)"};

    static int outcome(PolicyResolution r) {
        if (r instanceof PolicyResolution.Active active) {
            return active.fresh() ? 1 : 0;
        }
        if (r instanceof PolicyResolution.NoPolicy n) {
            return n.reason() == PolicyResolution.Reason.FETCH_FAILED ? 2 : n.reason() == PolicyResolution.Reason.NO_RECORD ? 3 : 4;
        }
        PolicyResolution.TemporaryFailure t = (PolicyResolution.TemporaryFailure) r;
        return t.reason() == PolicyResolution.Reason.DNS_FAILURE ? 5 : 6;
    }

    /** Whether the result is what the domain's behaviour explains; anything else is an error. */
    static boolean expected(Behaviour b, PolicyResolution r) {
        return switch (b) {
            case NORMAL, SHORT_LIVED, ROTATING, SLOW -> r instanceof PolicyResolution.Active;
            case DNS_FAILURE -> r instanceof PolicyResolution.TemporaryFailure t
                    && t.reason() == PolicyResolution.Reason.DNS_FAILURE && t.fallback().isEmpty();
            case FETCH_FAILURE -> r instanceof PolicyResolution.NoPolicy n && n.reason() == PolicyResolution.Reason.FETCH_FAILED;
            case NO_RECORD -> r instanceof PolicyResolution.NoPolicy n && n.reason() == PolicyResolution.Reason.NO_RECORD;
        };
    }

    static String describe(AtomicLongArray outcomes) {
        StringBuilder out = new StringBuilder();
        for (Behaviour b : Behaviour.values()) {
            out.append("\n    ").append(b).append(':');
            for (int o = 0; o < OUTCOMES.length; o++) {
                long n = outcomes.get(b.ordinal() * OUTCOMES.length + o);
                if (n > 0) {
                    out.append(String.format(" %s %,d;", OUTCOMES[o], n));
                }
            }
        }
        return out.toString();
    }
}
