package org.mtasts.core;

import java.util.Objects;

/**
 * Thrown by {@link ParseResult#orElseThrow()} when the text was not valid; carries the {@link
 * SyntaxError}.
 *
 * <pre>{@code
 * try {
 *     StsRecord record = StsRecord.parse(txt).orElseThrow();
 * } catch (SyntaxErrorException e) {
 *     System.err.println(e.error().code() + " at column " + e.error().column());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class SyntaxErrorException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The error (records are serializable when their components are). */
    private final transient SyntaxError error;

    /**
     * Creates an exception whose message is {@link SyntaxError#toString()}.
     *
     * @param error the error
     */
    public SyntaxErrorException(SyntaxError error) {
        super(Objects.requireNonNull(error, "error").toString());
        this.error = error;
    }

    /** {@return the error} */
    public SyntaxError error() {
        return error;
    }
}
