package org.mtasts.http;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.mtasts.core.DomainName;

/**
 * Fetches the MTA-STS policy of a domain (RFC 8461 §3.3). {@link HttpsPolicyFetcher} is the real
 * one; {@link MtaSts} takes any implementation, so that its cache rules can be tested with a
 * scripted fetcher.
 *
 * <p>Contract: {@link #fetchAsync} never completes exceptionally for a network or policy problem
 * (those are {@link FetchResult} cases), completes within the implementation's deadline, and may
 * be called by many threads at once.
 *
 * <pre>{@code
 * PolicyFetcher fetcher = HttpsPolicyFetcher.builder()
 *         .build();
 * FetchResult result = fetcher.fetch(DomainName.of("example.com"));                         // blocking
 * CompletableFuture<FetchResult> later = fetcher.fetchAsync(DomainName.of("example.net"));  // never blocks
 * }</pre>
 *
 * <p>Implementations must be thread-safe; share one instance.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface PolicyFetcher {

    /**
     * Starts fetching {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}.
     *
     * @param domain the policy domain
     * @return the outcome; never completes exceptionally for network or policy problems
     */
    CompletableFuture<FetchResult> fetchAsync(DomainName domain);

    /**
     * Fetches the policy and waits for the outcome. If the waiting thread is interrupted, the
     * fetch is cancelled, the interrupt flag is restored and the result is a {@link
     * FetchFailure#IO} failure.
     *
     * @param domain the policy domain
     * @return the outcome
     */
    default FetchResult fetch(DomainName domain) {
        CompletableFuture<FetchResult> future = fetchAsync(domain);
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return new FetchResult.Failed(FetchFailure.IO, "interrupted while waiting for the policy", e);
        } catch (ExecutionException | CancellationException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return Failures.failed(cause);
        }
    }
}
