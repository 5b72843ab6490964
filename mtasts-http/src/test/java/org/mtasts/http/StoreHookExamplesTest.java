package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.PolicyStore;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.MutableClock;

/** The example of RefreshLease's Javadoc, run as written. */
class StoreHookExamplesTest {

    @Test
    @DisplayName("RefreshLease: a shared store and a lease")
    void refreshLease() {
        PolicyStore sharedStore = new InMemoryPolicyStore(100, MutableClock.of(Instant.parse("2026-11-28T00:00:00Z")));
        RefreshLease lease = RefreshLease.LOCAL;
        FakeTxtResolver dns = FakeTxtResolver.create();
        // --- example: RefreshLease
        MtaSts sts = MtaSts.builder()
                .txtResolver(dns) // sandbox only
                .store(sharedStore)
                .refreshLease(lease)          // one node per domain refreshes
                .build();
        // ---
        assertThat(sts.store()).isSameAs(sharedStore);
        sts.close();
    }
}
