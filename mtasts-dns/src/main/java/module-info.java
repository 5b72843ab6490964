/**
 * DNS lookups for MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) on dnsjava.
 *
 * <p>{@link org.mtasts.dns.DnsjavaResolver} implements {@link org.mtasts.core.TxtResolver} and adds
 * MX and address lookups. No dnsjava type appears in the API other than the optional {@code
 * LookupSession} a caller may pass in.
 */
@org.jspecify.annotations.NullMarked
module org.mtasts.dns {
    requires static org.jspecify;
    requires transitive org.mtasts.core;
    requires transitive org.dnsjava;

    exports org.mtasts.dns;

    provides org.mtasts.core.TxtResolver with org.mtasts.dns.DnsjavaResolver;
}
