package org.mtasts.store.jdbc;

import java.time.Instant;
import java.util.Random;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.StsPolicy;

/**
 * Test policies whose text names their record id (as the first MX pattern), so that a stored
 * entry mixing two writes is detected, and padded with more MX lines to make writes take longer.
 */
final class Policies {

    static final Instant BASE = Instant.parse("2026-12-04T00:00:00Z");

    private Policies() {}

    static CachedPolicy policy(String domain, String id, long fetchedOffsetMillis, int padding) {
        StringBuilder text = new StringBuilder("version: STSv1\r\nmode: enforce\r\nmx: ").append(id.toLowerCase())
                .append(".mx.example.net\r\n");
        for (int i = 0; i < padding; i++) {
            text.append("mx: pad").append(i).append(".mx.example.net\r\n");
        }
        text.append("max_age: 604800\r\n");
        StsPolicy policy = StsPolicy.parse(text).orElseThrow();
        return CachedPolicy.of(DomainName.of(domain), id, policy, text.toString(), BASE.plusMillis(fetchedOffsetMillis));
    }

    /** Whether the entry's text is the one written with its record id (no mix of two writes). */
    static boolean consistent(CachedPolicy p) {
        return p.text().startsWith("version: STSv1\r\nmode: enforce\r\nmx: " + p.recordId().toLowerCase() + ".mx.");
    }

    /**
     * The {@code i}th write of a writer: a domain among {@code domains}, a random fetch time in a
     * ten-second window (many ties in the millisecond are unlikely, so ties also get tested by the
     * id order), and an id naming the writer and the write.
     */
    static CachedPolicy write(int writer, int i, int domains, long seed, int padding) {
        Random r = new Random(seed * 1_000_003L + writer * 7919L + i);
        String domain = "d" + (i % domains) + ".example.com";
        return policy(domain, "w" + writer + "i" + i, r.nextInt(10_000), padding);
    }
}
