package org.mtasts.http;

import org.mtasts.core.CachedPolicy;

/**
 * Hears about failed proactive refreshes (RFC 8461 §3.3 and §10.2: senders should alert on
 * them), so that an operator learns that a domain's policy is about to lapse or that its record
 * vanished (a possible downgrade attack) while the cached policy still protects deliveries. Not
 * called for cached policies in mode {@code none}, whose failures are expected when a domain
 * removes MTA-STS (RFC 8461 §8.3).
 *
 * <pre>{@code
 * MtaSts sts = MtaSts.builder()
 *         .refreshListener((cached, outcome) -> alerts.warn("MTA-STS refresh of " + cached.domain()
 *                 + " failed: " + outcome))
 *         .build();
 * }</pre>
 *
 * <p>Implementations must be thread-safe, return quickly and not throw (an exception is logged
 * and otherwise ignored).
 *
 * @since 0.1
 */
@FunctionalInterface
public interface RefreshListener {

    /** A listener that does nothing. */
    RefreshListener NONE = (cached, outcome) -> { };

    /**
     * Called when refreshing a cached policy did not give an active policy.
     *
     * @param cached the entry that was being refreshed
     * @param outcome what the refresh found: a {@link PolicyResolution.TemporaryFailure} (with the
     *     cached policy as fallback while it lasts) or a {@link PolicyResolution.NoPolicy}
     */
    void refreshFailed(CachedPolicy cached, PolicyResolution outcome);
}
