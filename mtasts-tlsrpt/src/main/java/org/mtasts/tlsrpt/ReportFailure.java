package org.mtasts.tlsrpt;

/** Internal: unwinds the reader with the error (no stack trace; never escapes the reader). */
final class ReportFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The error. */
    @SuppressWarnings("serial")
    final ReportError error;

    ReportFailure(ReportError error) {
        super(error.toString(), null, false, false);
        this.error = error;
    }
}
