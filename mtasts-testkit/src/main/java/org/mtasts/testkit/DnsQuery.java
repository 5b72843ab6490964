package org.mtasts.testkit;

import java.util.Objects;

/**
 * One query the sandbox DNS server received, for assertions on what a client asked.
 *
 * <pre>{@code
 * assertThat(sandbox.dnsQueries())
 *         .contains(new DnsQuery("_mta-sts.example.test", "TXT", DnsQuery.Transport.TCP));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the query name, lower case, without the trailing dot
 * @param type the query type mnemonic, such as {@code TXT} or {@code MX}
 * @param transport UDP or TCP
 * @since 0.1
 */
public record DnsQuery(String name, String type, Transport transport) {

    /** How the query arrived. */
    public enum Transport {
        /** A UDP datagram. */
        UDP,
        /** A TCP connection (RFC 7766 framing). */
        TCP
    }

    /**
     * Validates the components.
     *
     * @param name the query name, lower case, without the trailing dot
     * @param type the query type mnemonic, such as {@code TXT} or {@code MX}
     * @param transport UDP or TCP
     */
    public DnsQuery {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(transport, "transport");
    }
}
