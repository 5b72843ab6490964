package org.mtasts.http;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of POSTing a TLS-RPT report to an {@code https:} {@code rua} (RFC 8460 §5.4), for
 * the caller's retry logic (RFC 8460 §5.5: retry failures for up to a day, with back-off):
 * {@link Delivered} (any 2xx), {@link Rejected} (another status) or {@link Failed} (no response).
 *
 * <pre>{@code
 * UploadResult result = uploader.upload(endpoint, gzippedReport, ReportFormat.GZIP);
 * if (!result.isDelivered() && result.retryable()) {
 *     retryQueue.add(endpoint, nextAttemptWithBackoff());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.4">RFC 8460 §5.4</a>
 * @since 0.1
 */
public sealed interface UploadResult permits UploadResult.Delivered, UploadResult.Rejected, UploadResult.Failed {

    /** The outcomes, to switch on. */
    enum Kind {
        /** The endpoint answered 2xx. */
        DELIVERED,
        /** The endpoint answered another status. */
        REJECTED,
        /** No response: DNS, connection, TLS, timeout. */
        FAILED
    }

    /** {@return which outcome this is} */
    Kind kind();

    /** {@return whether the report was accepted} */
    default boolean isDelivered() {
        return kind() == Kind.DELIVERED;
    }

    /** {@return whether trying again later makes sense (false once delivered)} */
    boolean retryable();

    /** {@return a one-line description without raw control characters} */
    String detail();

    /**
     * The endpoint accepted the report: any 2xx status (RFC 8460 §5.4, typically 200 or 201).
     *
     * @param status the status
     */
    record Delivered(int status) implements UploadResult {
        @Override
        public Kind kind() {
            return Kind.DELIVERED;
        }

        @Override
        public boolean retryable() {
            return false;
        }

        @Override
        public String detail() {
            return "delivered: HTTP status " + status;
        }
    }

    /**
     * The endpoint answered with a status other than 2xx. Redirects are not followed.
     *
     * @param status the status
     * @param retryable true for 408, 425, 429 and 5xx, which may pass; false for 3xx and other 4xx
     * @param detail the status and the start of the response body, escaped
     */
    record Rejected(int status, boolean retryable, String detail) implements UploadResult {
        /**
         * Validates the components.
         *
         * @param status the status
         * @param retryable true for 408, 425, 429 and 5xx, which may pass; false for 3xx and other 4xx
         * @param detail the status and the start of the response body, escaped
         */
        public Rejected {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Kind kind() {
            return Kind.REJECTED;
        }
    }

    /**
     * No response.
     *
     * @param reason what failed
     * @param detail what happened, escaped
     * @param cause the exception, if any
     */
    record Failed(Reason reason, String detail, @Nullable Throwable cause) implements UploadResult {
        /**
         * Validates the components.
         *
         * @param reason what failed
         * @param detail what happened, escaped
         * @param cause the exception, if any
         */
        public Failed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Kind kind() {
            return Kind.FAILED;
        }

        /** Returns {@link Reason#retryable()}. */
        @Override
        public boolean retryable() {
            return reason.retryable();
        }
    }

    /** Why an upload got no response. */
    enum Reason {
        /** The endpoint's host name does not resolve. */
        HOST_NOT_FOUND(true),
        /** Every address of the endpoint was rejected by the {@link AddressFilter}. */
        ADDRESS_REJECTED(false),
        /** No TCP connection could be made. */
        CONNECT(true),
        /** The endpoint's certificate failed validation (it may be renewed: retryable). */
        CERTIFICATE(true),
        /** The TLS handshake failed otherwise. */
        TLS_HANDSHAKE(true),
        /** The deadline passed. */
        TIMEOUT(true),
        /** The URI cannot be requested (an {@code https:} URI OkHttp cannot use). */
        INVALID_URI(false),
        /** Another I/O error. */
        IO(true);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }

        /** {@return whether trying again later makes sense} */
        public boolean retryable() {
            return retryable;
        }

        static Reason of(FetchFailure failure) {
            switch (failure) {
                case HOST_NOT_FOUND:
                    return HOST_NOT_FOUND;
                case ADDRESS_REJECTED:
                    return ADDRESS_REJECTED;
                case CONNECT:
                    return CONNECT;
                case TIMEOUT:
                    return TIMEOUT;
                case TLS_HANDSHAKE:
                    return TLS_HANDSHAKE;
                case IO:
                    return IO;
                default:
                    return failure.isWebPki() ? CERTIFICATE : IO;
            }
        }
    }
}
