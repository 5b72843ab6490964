package org.mtasts.http;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.ParseWarning;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.SyntaxError;

/**
 * The outcome of fetching a policy (RFC 8461 §3.3): {@link Fetched}, {@link NotServed} (a status
 * other than 200), {@link Invalid} (a body that breaks the policy grammar) or {@link Failed}
 * (certificate, timeout, size, content type, DNS, connection, I/O). Each failure knows the TLS-RPT
 * result type it is reported as (RFC 8460 §4.3.2.2) and a failure-reason code.
 *
 * <pre>{@code
 * FetchResult result = fetcher.fetch(DomainName.of("example.com"));
 * switch (result.kind()) {
 *     case FETCHED -> use(((FetchResult.Fetched) result).policy());
 *     default -> report(result.resultType(), result.failureReasonCode(), result.detail());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.3">RFC 8461 §3.3</a>
 * @since 0.1
 */
public sealed interface FetchResult
        permits FetchResult.Fetched, FetchResult.NotServed, FetchResult.Invalid, FetchResult.Failed {

    /** The outcomes, to switch on. */
    enum Kind {
        /** HTTP 200 with a valid policy. */
        FETCHED,
        /** A status other than 200, including redirects, which are never followed. */
        NOT_SERVED,
        /** HTTP 200 with a body that is not a valid policy. */
        INVALID,
        /** No usable response. */
        FAILED
    }

    /** {@return which outcome this is} */
    Kind kind();

    /**
     * {@return the TLS-RPT result type to report: null for {@link Fetched}; {@code
     * sts-policy-invalid} for {@link Invalid}; {@code sts-webpki-invalid} or {@code
     * sts-policy-fetch-error} otherwise}
     */
    @Nullable ResultType resultType();

    /** {@return a stable failure-reason code for TLS-RPT, or null for {@link Fetched}} */
    @Nullable String failureReasonCode();

    /** {@return a one-line description without raw control characters from the network} */
    String detail();

    /**
     * A valid policy, served with status 200.
     *
     * @param policy the policy
     * @param text the body as decoded text (the exact bytes are UTF-8 unless a charset said otherwise)
     * @param parseWarnings what the policy parser accepted but flagged (a clamped max_age, say)
     * @param fetchWarnings what the fetch accepted but flagged (a wrong content type in lenient mode)
     */
    record Fetched(StsPolicy policy, String text, List<ParseWarning> parseWarnings, List<String> fetchWarnings)
            implements FetchResult {
        /**
         * Validates and copies the components.
         *
         * @param policy the policy
         * @param text the body as decoded text (the exact bytes are UTF-8 unless a charset said otherwise)
         * @param parseWarnings what the policy parser accepted but flagged (a clamped max_age, say)
         * @param fetchWarnings what the fetch accepted but flagged (a wrong content type in lenient mode)
         */
        public Fetched {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(text, "text");
            parseWarnings = List.copyOf(parseWarnings);
            fetchWarnings = List.copyOf(fetchWarnings);
        }

        @Override
        public Kind kind() {
            return Kind.FETCHED;
        }

        @Override
        public @Nullable ResultType resultType() {
            return null;
        }

        @Override
        public @Nullable String failureReasonCode() {
            return null;
        }

        @Override
        public String detail() {
            return "fetched a policy in mode " + policy.mode().token() + " with max_age " + policy.maxAge();
        }
    }

    /**
     * The server answered with a status other than 200 (RFC 8461 §3.3: only 200 is a policy; a
     * redirect is never followed, and a body is never read).
     *
     * @param status the HTTP status
     * @param location the {@code Location} header, escaped, or null
     */
    record NotServed(int status, @Nullable String location) implements FetchResult {
        @Override
        public Kind kind() {
            return Kind.NOT_SERVED;
        }

        /** Returns {@code sts-policy-fetch-error}. */
        @Override
        public ResultType resultType() {
            return ResultType.STS_POLICY_FETCH_ERROR;
        }

        /** Returns {@code http-status-<status>}, such as {@code http-status-404}. */
        @Override
        public String failureReasonCode() {
            return "http-status-" + status;
        }

        @Override
        public String detail() {
            if (status >= 300 && status < 400 && status != 304) {
                return "HTTP status " + status + (location == null ? "" : " to " + location)
                        + ": redirects are not followed (RFC 8461 §3.3)";
            }
            return "HTTP status " + status + ": only 200 serves a policy (RFC 8461 §3.3)";
        }
    }

    /**
     * Status 200, but the body is not a valid policy (RFC 8461 §3.2).
     *
     * @param error the first syntax error, with line and column
     * @param text the body as decoded text (invalid bytes replaced), for reports
     */
    record Invalid(SyntaxError error, String text) implements FetchResult {
        /**
         * Validates the components.
         *
         * @param error the first syntax error, with line and column
         * @param text the body as decoded text (invalid bytes replaced), for reports
         */
        public Invalid {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public Kind kind() {
            return Kind.INVALID;
        }

        /** Returns {@code sts-policy-invalid}. */
        @Override
        public ResultType resultType() {
            return ResultType.STS_POLICY_INVALID;
        }

        /** Returns the syntax error's code, such as {@code policy-missing-mx}. */
        @Override
        public String failureReasonCode() {
            return error.code();
        }

        @Override
        public String detail() {
            return "invalid policy: " + error;
        }
    }

    /**
     * No usable response.
     *
     * @param failure why, with its result type and code
     * @param detail what happened, escaped (no raw control characters)
     * @param cause the exception, if any
     */
    record Failed(FetchFailure failure, String detail, @Nullable Throwable cause) implements FetchResult {
        /**
         * Validates the components.
         *
         * @param failure why, with its result type and code
         * @param detail what happened, escaped (no raw control characters)
         * @param cause the exception, if any
         */
        public Failed {
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Kind kind() {
            return Kind.FAILED;
        }

        /** Returns {@link FetchFailure#resultType()}. */
        @Override
        public ResultType resultType() {
            return failure.resultType();
        }

        /** Returns {@link FetchFailure#code()}. */
        @Override
        public String failureReasonCode() {
            return failure.code();
        }
    }
}
