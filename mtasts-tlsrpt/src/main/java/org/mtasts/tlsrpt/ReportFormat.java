package org.mtasts.tlsrpt;

/**
 * How a report is carried (RFC 8460 §5.1, §5.2, §6.4, §6.5): plain JSON or gzip-compressed JSON, with
 * the media type for an HTTPS POST or a mail attachment and the file name extension.
 *
 * <pre>{@code
 * byte[] body = TlsReportWriter.create().write(report, ReportFormat.GZIP);
 * request.header("Content-Type", ReportFormat.GZIP.mediaType());   // application/tlsrpt+gzip
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.1">RFC 8460 §5.1</a>
 * @since 0.1
 */
public enum ReportFormat {
    /** Plain JSON: {@code application/tlsrpt+json}, extension {@code json} (RFC 8460 §6.4). */
    JSON("application/tlsrpt+json", "json"),
    /** gzip-compressed JSON, the RFC 8460 §5.2 SHOULD: {@code application/tlsrpt+gzip}, {@code json.gz} (§6.5). */
    GZIP("application/tlsrpt+gzip", "json.gz");

    private final String mediaType;
    private final String extension;

    ReportFormat(String mediaType, String extension) {
        this.mediaType = mediaType;
        this.extension = extension;
    }

    /** {@return the media type, such as {@code application/tlsrpt+gzip}} */
    public String mediaType() {
        return mediaType;
    }

    /** {@return the file name extension without the leading dot: {@code json} or {@code json.gz}} */
    public String extension() {
        return extension;
    }
}
