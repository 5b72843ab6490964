package org.mtasts.tlsrpt;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * An input stream that counts the bytes read through it and fails with {@link LimitExceeded} past
 * a limit (gzip bombs, oversized JSON texts), and, when it wraps the caller's own stream, marks that
 * stream's failures as {@link SourceFailure} so that they are rethrown unchanged rather than
 * reported as a bad report. Closing it leaves the wrapped stream open: the caller owns it.
 *
 * <p>Package-private, so that it is no API on the class path either; {@link TlsReportReader} is its
 * only user. Not thread-safe; confine to one thread.
 */
final class BoundedInput extends FilterInputStream {
    private final boolean source;
    private long limit;
    private @Nullable String message;
    private long count;

    /**
     * Wraps a stream.
     *
     * @param in the stream
     * @param limit the most bytes that may be read
     * @param source whether {@code in} is the caller's stream (its failures become {@link SourceFailure})
     * @param message the message of the {@link LimitExceeded} thrown past the limit
     */
    BoundedInput(InputStream in, long limit, boolean source, @Nullable String message) {
        super(in);
        this.limit = limit;
        this.source = source;
        this.message = message;
    }

    /**
     * Changes the limit; bytes already read count against it.
     *
     * @param newLimit the new limit
     * @param newMessage the message past it
     * @throws LimitExceeded if already past the new limit
     */
    void limit(long newLimit, String newMessage) throws LimitExceeded {
        this.limit = newLimit;
        this.message = newMessage;
        count(0);
    }

    @Override
    public int read() throws IOException {
        int b;
        try {
            b = in.read();
        } catch (IOException e) {
            throw source ? new SourceFailure(e) : e;
        }
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(buffer, off, len);
        } catch (IOException e) {
            throw source ? new SourceFailure(e) : e;
        }
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] sink = new byte[(int) Math.min(n, 8192)];
        int r = read(sink, 0, sink.length);
        return Math.max(r, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() {
        // The caller owns its stream; decompressors above are closed by their readers.
    }

    private void count(int n) throws LimitExceeded {
        count += n;
        if (count > limit) {
            throw new LimitExceeded(String.valueOf(message));
        }
    }

    /** A failure of the caller's own stream: to be rethrown as {@link #original}. */
    static final class SourceFailure extends IOException {
        private static final long serialVersionUID = 1L;
        /** The caller's exception. */
        final transient IOException original;

        SourceFailure(IOException original) {
            super(original.getMessage(), original);
            this.original = original;
        }
    }

    /** More bytes than the limit. */
    static final class LimitExceeded extends IOException {
        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param message what was too large, and which setting limits it
         */
        LimitExceeded(String message) {
            super(message);
        }
    }
}
