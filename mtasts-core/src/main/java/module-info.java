/**
 * MTA-STS (RFC 8461) and SMTP TLS Reporting (RFC 8460) values, strict parsers and pure decisions.
 *
 * <p>This module has no runtime dependencies and performs no I/O: DNS and HTTPS live in
 * {@code org.mtasts.dns} and {@code org.mtasts.http}, which plug in through {@link
 * org.mtasts.core.TxtResolver} and {@link org.mtasts.core.PolicyStore}.
 */
@org.jspecify.annotations.NullMarked
module org.mtasts.core {
    requires static org.jspecify;

    exports org.mtasts.core;

    uses org.mtasts.core.TxtResolver;
}
