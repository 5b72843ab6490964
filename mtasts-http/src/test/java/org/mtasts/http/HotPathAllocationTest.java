package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.core.TxtAnswer;
import org.mtasts.core.TxtResolver;

/**
 * The cache-hit path of {@link MtaSts#resolve} allocates nothing (the later JMH benchmark asks for
 * 0 B/op). Measured with the thread's allocation counter, not with time: it holds in the
 * interpreter too, because the path creates no object at all (no boxing, iterators, lambdas or
 * strings), so no escape analysis is needed.
 */
class HotPathAllocationTest {

    @Test
    @DisplayName("core: DomainName.stsRecordName() is computed once per instance")
    void theRecordNameIsComputedOnce() {
        DomainName domain = DomainName.of("Example.COM.");
        String first = domain.stsRecordName();
        assertThat(first).isEqualTo("_mta-sts.example.com");
        assertThat(domain.stsRecordName()).isSameAs(first);
    }

    @Test
    @DisplayName("a cache hit with an unchanged record text allocates nothing")
    void aCacheHitAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs com.sun.management");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());

        DomainName domain = DomainName.of("example.com");
        // An in-memory resolver answering with one completed future, as the benchmark's does.
        CompletableFuture<TxtAnswer> answer =
                CompletableFuture.completedFuture(new TxtAnswer.Records(List.of("v=STSv1; id=20261128")));
        TxtResolver resolver = name -> answer;
        ScriptedFetcher fetcher = new ScriptedFetcher()
                .serve("example.com", ScriptedFetcher.policy("enforce", 86_400, "mx1.example.com"));
        Clock clock = Clock.fixed(Instant.parse("2026-11-28T00:00:00Z"), ZoneOffset.UTC);
        try (MtaSts sts = MtaSts.builder().txtResolver(resolver).fetcher(fetcher).clock(clock)
                .proactiveRefresh(false).build()) {
            PolicyResolution first = sts.resolve(domain);   // cold: fetch and cache
            PolicyResolution warm = sts.resolve(domain);    // builds the prebuilt result
            for (int i = 0; i < 20_000; i++) {
                sts.resolve(domain);
            }
            long tid = Thread.currentThread().getId();
            int calls = 100_000;
            long before = threads.getThreadAllocatedBytes(tid);
            PolicyResolution last = null;
            for (int i = 0; i < calls; i++) {
                last = sts.resolve(domain);
            }
            long allocated = threads.getThreadAllocatedBytes(tid) - before;

            assertThat(first).isInstanceOf(PolicyResolution.Active.class);
            assertThat(last).isSameAs(warm);
            System.out.printf("cache-hit resolve: %d bytes allocated over %d calls%n", allocated, calls);
            // Below one byte per call: any object on the path would cost at least 16 bytes per call.
            assertThat(allocated).isLessThan(calls);
        }
    }
}
