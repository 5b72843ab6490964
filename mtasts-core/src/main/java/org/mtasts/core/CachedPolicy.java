package org.mtasts.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A policy as a sender keeps it between deliveries (RFC 8461 §3.3, §5.1): the parsed policy, the
 * exact text fetched, the id of the TXT record it was fetched for, and when it was fetched and
 * expires ({@code fetchedAt + max_age}).
 *
 * <pre>{@code
 * CachedPolicy cached = CachedPolicy.of(domain, record.id(), policy, body, clock.instant());
 * boolean usable = !cached.isExpired(clock.instant());
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param domain the policy domain
 * @param recordId the {@code id} of the STS TXT record when the policy was fetched
 * @param policy the parsed policy
 * @param text the policy body as fetched (decoded text), for reports and diagnostics
 * @param fetchedAt when it was fetched (or last confirmed unchanged)
 * @param expiresAt when it stops being usable
 * @since 0.1
 */
public record CachedPolicy(DomainName domain, String recordId, StsPolicy policy, String text, Instant fetchedAt,
        Instant expiresAt) {

    /**
     * Validates the components.
     *
     * @param domain the policy domain
     * @param recordId the {@code id} of the STS TXT record when the policy was fetched
     * @param policy the parsed policy
     * @param text the policy body as fetched (decoded text), for reports and diagnostics
     * @param fetchedAt when it was fetched (or last confirmed unchanged)
     * @param expiresAt when it stops being usable
     */
    public CachedPolicy {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(recordId, "recordId");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (expiresAt.isBefore(fetchedAt)) {
            throw new IllegalArgumentException("expiresAt " + expiresAt + " is before fetchedAt " + fetchedAt);
        }
    }

    /**
     * Returns an entry that expires {@code max_age} seconds after {@code fetchedAt} (RFC 8461 §3.2).
     *
     * @param domain the policy domain
     * @param recordId the record id the policy was fetched for
     * @param policy the policy
     * @param text the body as fetched
     * @param fetchedAt when it was fetched
     * @return the entry
     */
    public static CachedPolicy of(DomainName domain, String recordId, StsPolicy policy, String text,
            Instant fetchedAt) {
        return new CachedPolicy(domain, recordId, policy, text, fetchedAt, fetchedAt.plusSeconds(policy.maxAge()));
    }

    /**
     * Returns whether the entry is expired at {@code now}: expiry is exactly at {@code fetchedAt +
     * max_age}, so a policy with {@code max_age} 0 is expired the moment it is fetched.
     *
     * @param now the current instant
     * @return true if the entry may no longer be applied
     */
    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /**
     * Returns a copy confirmed at {@code now}: same policy, new fetch time and expiry (what a
     * refresh does when the record id did not change).
     *
     * @param now the instant of confirmation
     * @return the renewed entry
     */
    public CachedPolicy renewedAt(Instant now) {
        return new CachedPolicy(domain, recordId, policy, text, now, now.plusSeconds(policy.maxAge()));
    }
}
