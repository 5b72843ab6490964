package org.mtasts.tlsrpt;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.ResultType;

/**
 * One element of a policy's {@code failure-details} (RFC 8460 §4.4): a kind of failure, where it
 * happened and how many sessions it hit.
 *
 * <p>Values read from a report are kept as received (senders leave fields out, so every field but
 * the result type may be null). The {@link Builder}, which a sender uses, checks each value: IP
 * addresses become their RFC 5952 text, host names A-labels, and {@code certificate-not-trusted} or
 * {@code validation-failure} need a {@code failure-reason-code} (RFC 8460 §4.3.1 SHOULD, which we
 * enforce when writing).
 *
 * <pre>{@code
 * FailureDetails d = FailureDetails.builder(ResultType.STARTTLS_NOT_SUPPORTED)
 *         .sendingMtaIp("2001:db8:abcd:0013::1")          // stored as 2001:db8:abcd:13::1
 *         .receivingMxHostname("mx2.mail.company-y.example")
 *         .receivingIp("203.0.113.56")
 *         .failedSessionCount(200)
 *         .build();
 * FailureDetails more = d.withFailedSessionCount(201);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param resultType {@code result-type}
 * @param sendingMtaIp {@code sending-mta-ip}, or null
 * @param receivingMxHostname {@code receiving-mx-hostname}, or null
 * @param receivingMxHelo {@code receiving-mx-helo}, or null (optional in RFC 8460 §4.4)
 * @param receivingIp {@code receiving-ip}, or null
 * @param failedSessionCount {@code failed-session-count}
 * @param additionalInformation {@code additional-information}, a URI, or null (optional)
 * @param failureReasonCode {@code failure-reason-code}, or null
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 * @since 0.1
 */
public record FailureDetails(ResultType resultType, @Nullable String sendingMtaIp,
        @Nullable String receivingMxHostname, @Nullable String receivingMxHelo, @Nullable String receivingIp,
        long failedSessionCount, @Nullable String additionalInformation, @Nullable String failureReasonCode) {

    /**
     * Checks the result type and the count.
     *
     * @param resultType {@code result-type}
     * @param sendingMtaIp {@code sending-mta-ip}, or null
     * @param receivingMxHostname {@code receiving-mx-hostname}, or null
     * @param receivingMxHelo {@code receiving-mx-helo}, or null (optional in RFC 8460 §4.4)
     * @param receivingIp {@code receiving-ip}, or null
     * @param failedSessionCount {@code failed-session-count}
     * @param additionalInformation {@code additional-information}, a URI, or null (optional)
     * @param failureReasonCode {@code failure-reason-code}, or null
     */
    public FailureDetails {
        Objects.requireNonNull(resultType, "resultType");
        if (failedSessionCount < 0) {
            throw new IllegalArgumentException("failed-session-count must not be negative: " + failedSessionCount);
        }
    }

    /**
     * Returns a copy with another count.
     *
     * @param count the new {@code failed-session-count}
     * @return the copy
     */
    public FailureDetails withFailedSessionCount(long count) {
        return count == failedSessionCount ? this : new FailureDetails(resultType, sendingMtaIp,
                receivingMxHostname, receivingMxHelo, receivingIp, count, additionalInformation, failureReasonCode);
    }

    /**
     * Returns whether both describe the same failure, ignoring the count: such details are merged
     * into one with the counts summed (as mox and the RFC 8460 §4 aggregate form do).
     *
     * @param other the other details
     * @return true if every field but {@code failed-session-count} is equal
     */
    public boolean sameFailure(FailureDetails other) {
        return resultType.equals(other.resultType) && Objects.equals(sendingMtaIp, other.sendingMtaIp)
                && Objects.equals(receivingMxHostname, other.receivingMxHostname)
                && Objects.equals(receivingMxHelo, other.receivingMxHelo)
                && Objects.equals(receivingIp, other.receivingIp)
                && Objects.equals(additionalInformation, other.additionalInformation)
                && Objects.equals(failureReasonCode, other.failureReasonCode);
    }

    /**
     * Returns a builder.
     *
     * @param resultType the result type
     * @return the builder
     */
    public static Builder builder(ResultType resultType) {
        return new Builder(resultType);
    }

    /** {@return a builder with this record's values (checked again on {@code build()})} */
    public Builder newBuilder() {
        Builder b = new Builder(resultType);
        b.sendingMtaIp = sendingMtaIp;
        b.receivingMxHostname = receivingMxHostname;
        b.receivingMxHelo = receivingMxHelo;
        b.receivingIp = receivingIp;
        b.failedSessionCount = failedSessionCount;
        b.additionalInformation = additionalInformation;
        b.failureReasonCode = failureReasonCode;
        return b;
    }

    /**
     * Builds failure details for a report, checking each value as it is set.
     *
     * <pre>{@code
     * FailureDetails d = FailureDetails.builder(ResultType.CERTIFICATE_NOT_TRUSTED)
     *         .receivingMxHostname("mx.example.com").failureReasonCode("unknown-ca").build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private final ResultType resultType;
        private @Nullable String sendingMtaIp;
        private @Nullable String receivingMxHostname;
        private @Nullable String receivingMxHelo;
        private @Nullable String receivingIp;
        private long failedSessionCount = 1;
        private @Nullable String additionalInformation;
        private @Nullable String failureReasonCode;

        private Builder(ResultType resultType) {
            this.resultType = Objects.requireNonNull(resultType, "resultType");
        }

        /**
         * Sets {@code sending-mta-ip}.
         *
         * @param address an IPv4 or IPv6 literal (no DNS lookup is done)
         * @return this builder
         * @throws IllegalArgumentException if it is not an IP literal
         */
        public Builder sendingMtaIp(String address) {
            this.sendingMtaIp = ip(address, "sending-mta-ip");
            return this;
        }

        /**
         * Sets {@code sending-mta-ip}.
         *
         * @param address the address
         * @return this builder
         */
        public Builder sendingMtaIp(InetAddress address) {
            this.sendingMtaIp = IpLiterals.format(Objects.requireNonNull(address, "address"));
            return this;
        }

        /**
         * Sets {@code receiving-mx-hostname}.
         *
         * @param host the MX host name (written in A-labels)
         * @return this builder
         * @throws IllegalArgumentException if it is not a host name
         */
        public Builder receivingMxHostname(String host) {
            this.receivingMxHostname = DomainName.of(host).ascii();
            return this;
        }

        /**
         * Sets {@code receiving-mx-hostname}.
         *
         * @param host the MX host name
         * @return this builder
         */
        public Builder receivingMxHostname(DomainName host) {
            this.receivingMxHostname = host.ascii();
            return this;
        }

        /**
         * Sets {@code receiving-mx-helo}: the name the MX host gave in its greeting, as given.
         *
         * @param helo printable ASCII
         * @return this builder
         * @throws IllegalArgumentException if empty or not printable ASCII
         */
        public Builder receivingMxHelo(String helo) {
            this.receivingMxHelo = printable(helo, "receiving-mx-helo");
            return this;
        }

        /**
         * Sets {@code receiving-ip}.
         *
         * @param address an IPv4 or IPv6 literal
         * @return this builder
         * @throws IllegalArgumentException if it is not an IP literal
         */
        public Builder receivingIp(String address) {
            this.receivingIp = ip(address, "receiving-ip");
            return this;
        }

        /**
         * Sets {@code receiving-ip}.
         *
         * @param address the address
         * @return this builder
         */
        public Builder receivingIp(InetAddress address) {
            this.receivingIp = IpLiterals.format(Objects.requireNonNull(address, "address"));
            return this;
        }

        /**
         * Sets {@code failed-session-count} (default 1).
         *
         * @param count zero or more
         * @return this builder
         */
        public Builder failedSessionCount(long count) {
            if (count < 0) {
                throw new IllegalArgumentException("failed-session-count must not be negative: " + count);
            }
            this.failedSessionCount = count;
            return this;
        }

        /**
         * Sets {@code additional-information}.
         *
         * @param uri an absolute URI (RFC 8460 §4.4)
         * @return this builder
         * @throws IllegalArgumentException if it is not an absolute URI
         */
        public Builder additionalInformation(String uri) {
            String problem = uriProblem(Objects.requireNonNull(uri, "uri"));
            if (problem != null) {
                throw new IllegalArgumentException("additional-information " + Texts.quote(uri) + ": " + problem);
            }
            this.additionalInformation = uri;
            return this;
        }

        /**
         * Sets {@code failure-reason-code}, free text such as {@code X509_V_ERR_CERT_HAS_EXPIRED}.
         *
         * @param code printable ASCII
         * @return this builder
         * @throws IllegalArgumentException if empty or not printable ASCII
         */
        public Builder failureReasonCode(String code) {
            this.failureReasonCode = printable(code, "failure-reason-code");
            return this;
        }

        /**
         * Builds the details.
         *
         * @return the details
         * @throws IllegalStateException if the result type is {@code certificate-not-trusted} or
         *     {@code validation-failure} and no reason code was set (RFC 8460 §4.3.1)
         */
        public FailureDetails build() {
            // RFC 8460 §4.3.1: these two SHOULD come with a failure-reason-code; we never write them without.
            if (failureReasonCode == null && (resultType.equals(ResultType.CERTIFICATE_NOT_TRUSTED)
                    || resultType.equals(ResultType.VALIDATION_FAILURE))) {
                throw new IllegalStateException(resultType
                        + " needs a failure-reason-code (RFC 8460 §4.3.1)");
            }
            return new FailureDetails(resultType, sendingMtaIp, receivingMxHostname, receivingMxHelo,
                    receivingIp, failedSessionCount, additionalInformation, failureReasonCode);
        }

        private static String ip(String address, String field) {
            String canonical = IpLiterals.canonicalize(Objects.requireNonNull(address, "address"));
            if (canonical == null) {
                throw new IllegalArgumentException(field + " " + Texts.quote(address) + " is not an IP address");
            }
            return canonical;
        }

        private static String printable(String text, String field) {
            Objects.requireNonNull(text, field);
            if (text.isEmpty()) {
                throw new IllegalArgumentException(field + " must not be empty");
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x20 || c > 0x7E) {
                    throw new IllegalArgumentException(field + " " + Texts.quote(text)
                            + " has a character that is not printable ASCII at index " + i);
                }
            }
            return text;
        }
    }

    /** Returns why the text is not an absolute URI, or null. */
    static @Nullable String uriProblem(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return "character at index " + i + " is not allowed in a URI";
            }
        }
        try {
            URI parsed = new URI(uri);
            if (parsed.getScheme() == null) {
                return "the URI has no scheme";
            }
            return null;
        } catch (URISyntaxException e) {
            return e.getReason() + " at index " + e.getIndex();
        }
    }
}
