package org.mtasts.core;

import java.util.concurrent.CompletableFuture;

/**
 * Looks up TXT records: the seam between the pure core and a DNS library ({@code mtasts-dns}
 * provides one on dnsjava, the test kit a table-driven one).
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>{@code name} is an absolute name in A-labels without the trailing dot, such as {@code
 *       _mta-sts.example.com}: never expand it with a search list;</li>
 *   <li>join the character-strings of each TXT record with no separator (RFC 8461 §3.1) and map
 *       each byte to one char (ISO-8859-1); never use an escaped presentation form;</li>
 *   <li>follow CNAME chains, bounded;</li>
 *   <li>report NXDOMAIN and NODATA as {@link TxtAnswer.NoRecords}, everything else that fails as
 *       {@link TxtAnswer.TemporaryFailure}; the future must not complete exceptionally for a DNS
 *       failure, and must complete within the implementation's timeout;</li>
 *   <li>be safe for concurrent use by many threads.</li>
 * </ul>
 *
 * <pre>{@code
 * TxtResolver fake = name -> CompletableFuture.completedFuture(
 *         name.equals("_mta-sts.example.com")
 *                 ? new TxtAnswer.Records(List.of("v=STSv1; id=1"))
 *                 : new TxtAnswer.NoRecords(true));
 * }</pre>
 *
 * @since 0.1
 */
@FunctionalInterface
public interface TxtResolver {

    /**
     * Looks up the TXT records at an absolute name, without blocking. (Following the API's rule,
     * a method named {@code fooAsync} returns a {@link CompletableFuture}; a blocking {@code foo},
     * where there is one, returns the same answer directly.)
     *
     * @param name an absolute name, A-labels, no trailing dot
     * @return the answer; never completes exceptionally for DNS failures
     */
    CompletableFuture<TxtAnswer> resolveTxtAsync(String name);
}
