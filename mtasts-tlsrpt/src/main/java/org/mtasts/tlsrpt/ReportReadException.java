package org.mtasts.tlsrpt;

import java.util.Objects;

/**
 * Thrown by {@link ReadResult#orElseThrow()} and {@link
 * org.mtasts.tlsrpt.mail.MessageReadResult#orElseThrow()} for input that is not a usable report;
 * carries the {@link ReportError}.
 *
 * <pre>{@code
 * try {
 *     TlsReport r = reader.read(bytes).orElseThrow();
 * } catch (ReportReadException e) {
 *     System.err.println(e.error().path() + ": " + e.error().detail());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class ReportReadException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The error; records are serializable, so this field is too. */
    private final ReportError error;

    /**
     * Creates the exception.
     *
     * @param error the error
     */
    public ReportReadException(ReportError error) {
        super(Objects.requireNonNull(error, "error").toString());
        this.error = error;
    }

    /** {@return the error} */
    public ReportError error() {
        return error;
    }
}
