package org.mtasts.http.publish;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.TlsRptRecord;
import org.mtasts.tlsrpt.Readiness;

/**
 * What {@link PolicyPublisher#publish(PublishRequest)} publishes: a domain's policy (its exact
 * bytes, as the policy host serves them), optionally a TLS-RPT record, and what the readiness gate
 * needs when the policy moves to {@code enforce}.
 *
 * <pre>{@code
 * PublishRequest request = PublishRequest.builder(DomainName.of("example.com"), policyBytes)
 *         .tlsRpt(TlsRptRecord.of("mailto:tlsrpt@example.com"))
 *         .readiness(readiness)                 // from ReportSummary.readiness, for enforce
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class PublishRequest {

    private final DomainName domain;
    private final byte[] policy;
    private final @Nullable TlsRptRecord tlsRpt;
    private final @Nullable Duration ttl;
    private final @Nullable Readiness readiness;
    private final @Nullable String forceReason;
    private final boolean enforce;
    private final boolean dryRun;

    private PublishRequest(Builder b) {
        this.domain = b.domain;
        this.policy = b.policy.clone();
        this.tlsRpt = b.tlsRpt;
        this.ttl = b.ttl;
        this.readiness = b.readiness;
        this.forceReason = b.forceReason;
        this.enforce = b.enforce;
        this.dryRun = b.dryRun;
    }

    /**
     * Starts a request.
     *
     * @param domain the policy domain
     * @param policy the policy file's exact bytes
     * @return a builder
     */
    public static Builder builder(DomainName domain, byte[] policy) {
        return new Builder(domain, policy);
    }

    /** {@return the policy domain} */
    public DomainName domain() {
        return domain;
    }

    /** {@return a copy of the policy's bytes} */
    public byte[] policy() {
        return policy.clone();
    }

    /** {@return the TLS-RPT record to publish at {@code _smtp._tls.<domain>}, if any} */
    public Optional<TlsRptRecord> tlsRpt() {
        return Optional.ofNullable(tlsRpt);
    }

    /** {@return the TTL of new records, if set (otherwise the old record's, or one hour)} */
    public Optional<Duration> ttl() {
        return Optional.ofNullable(ttl);
    }

    /** {@return the reports' verdict on the switch to enforce, if given} */
    public Optional<Readiness> readiness() {
        return Optional.ofNullable(readiness);
    }

    /** {@return why the readiness gate is overridden, if it is} */
    public Optional<String> forceReason() {
        return Optional.ofNullable(forceReason);
    }

    /** {@return true when the caller declared a switch to enforce (the gate then always applies)} */
    public boolean isEnforce() {
        return enforce;
    }

    /** {@return true when nothing is to be changed: the update is only described} */
    public boolean isDryRun() {
        return dryRun;
    }

    /**
     * Builds a {@link PublishRequest}.
     *
     * <pre>{@code
     * PublishRequest.Builder builder = PublishRequest.builder(DomainName.of("example.com"), policyBytes)
     *         .enforce(true)
     *         .force("reports reviewed by hand on 2026-12-01");
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private final DomainName domain;
        private final byte[] policy;
        private @Nullable TlsRptRecord tlsRpt;
        private @Nullable Duration ttl;
        private @Nullable Readiness readiness;
        private @Nullable String forceReason;
        private boolean enforce;
        private boolean dryRun;

        private Builder(DomainName domain, byte[] policy) {
            this.domain = Objects.requireNonNull(domain, "domain");
            this.policy = Objects.requireNonNull(policy, "policy").clone();
        }

        /**
         * Also publishes this TLS-RPT record (RFC 8460 §3), replacing the {@code v=TLSRPTv1} record.
         *
         * @param record the record
         * @return this builder
         */
        public Builder tlsRpt(TlsRptRecord record) {
            this.tlsRpt = Objects.requireNonNull(record, "record");
            return this;
        }

        /**
         * Sets the TTL of the records written (default: the TTL of the record replaced, or one hour).
         *
         * @param ttl 0 to 2147483647 seconds
         * @return this builder
         */
        public Builder ttl(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isNegative() || ttl.toSeconds() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("ttl " + ttl + " is outside 0 to 2147483647 seconds");
            }
            this.ttl = ttl;
            return this;
        }

        /**
         * Gives the reports' verdict for the readiness gate; its policy domain must be this domain.
         *
         * @param readiness the verdict from {@code ReportSummary.readiness}
         * @return this builder
         * @throws IllegalArgumentException if it judges another domain
         */
        public Builder readiness(Readiness readiness) {
            Objects.requireNonNull(readiness, "readiness");
            if (!readiness.criteria().policyDomain().equals(domain)) {
                throw new IllegalArgumentException("the readiness judges " + readiness.criteria().policyDomain()
                        + ", not " + domain);
            }
            this.readiness = readiness;
            return this;
        }

        /**
         * Passes the readiness gate without a ready verdict; the reason is part of the result.
         *
         * @param reason why, for the record (not blank)
         * @return this builder
         */
        public Builder force(String reason) {
            Objects.requireNonNull(reason, "reason");
            if (reason.isBlank()) {
                throw new IllegalArgumentException("the reason to force is blank");
            }
            this.forceReason = reason.strip();
            return this;
        }

        /**
         * Declares a switch to enforce: the policy must say {@code mode: enforce}, and the gate
         * applies even if the published id does not show the mode.
         *
         * @param enforce true to declare it
         * @return this builder
         */
        public Builder enforce(boolean enforce) {
            this.enforce = enforce;
            return this;
        }

        /**
         * Runs every check and describes the update without sending it.
         *
         * @param dryRun true for a dry run
         * @return this builder
         */
        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /** {@return the request} */
        public PublishRequest build() {
            return new PublishRequest(this);
        }
    }
}
