/**
 * SMTP TLS Reporting (RFC 8460) reports: model, canonical writer, tolerant reader with warnings
 * (plain, gzip, zip, streaming), the §5.1 file name, the §5.3 report e-mail, an aggregator for
 * sending MTAs and summaries for domain owners.
 *
 * <p>Apache James Mime4j is optional: only {@code org.mtasts.tlsrpt.mail} needs it, and the JSON
 * reader and writer in {@code org.mtasts.tlsrpt} never touch it.
 */
@org.jspecify.annotations.NullMarked
module org.mtasts.tlsrpt {
    requires transitive org.mtasts.core;
    requires tools.jackson.core;
    requires static org.jspecify;
    requires static apache.mime4j.core;
    requires static apache.mime4j.dom;

    exports org.mtasts.tlsrpt;
    exports org.mtasts.tlsrpt.mail;
}
