package org.mtasts.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.http.FrontedPolicyStore;
import org.mtasts.http.MtaSts;
import org.mtasts.http.RefreshLease;
import org.mtasts.testkit.FakeTxtResolver;

/**
 * The examples of mtasts-store-redis's Javadoc, run as written against the Redis of
 * integration/stores/start.sh (skipped without it, like the *StoreIT tests; .ci/run runs it with
 * the servers up).
 */
class RedisExamplesTest {

    final FakeTxtResolver dns = FakeTxtResolver.create();

    @Test
    @DisplayName("RedisPolicyStore and RedisRefreshLease: one line from a Redis URI")
    void redisStore() {
        String redisUri = Stores.redisUri();
        // --- example: RedisPolicyStore
        RedisPolicyStore shared = RedisPolicyStore.open(redisUri);  // redis-sentinel://s1:26379,s2:26379/0#mymaster
        MtaSts sts = MtaSts.builder()
                .txtResolver(dns) // sandbox only
                .store(FrontedPolicyStore.over(shared))
                .refreshLease(RedisRefreshLease.create(shared.connection(), "mx1"))
                .build();
        // ---
        RedisPolicyStore store = shared;
        // --- example: RedisRefreshLease
        RefreshLease lease = RedisRefreshLease.create(store.connection(), "mx1.example.net");
        // ---
        assertThat(lease).hasToString("RedisRefreshLease[mx1.example.net]");
        sts.close();
        shared.close();
    }
}
