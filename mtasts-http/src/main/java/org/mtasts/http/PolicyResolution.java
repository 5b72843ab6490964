package org.mtasts.http;

import java.util.Objects;
import java.util.Optional;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.StsPolicy;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyDetails;

/**
 * What a sender should do about MTA-STS for one recipient domain, as {@link MtaSts#resolve} found
 * it (RFC 8461 §3, §5): apply an {@link Active} policy, deliver as if there were {@link NoPolicy},
 * or face a {@link TemporaryFailure}, which carries the cached policy to fall back on when there is
 * one.
 *
 * <p>Each outcome also says what the sessions made under it report (RFC 8460 §4.4): the {@link
 * #reportedPolicy()} object, and the {@link #policyFailure()} of discovery or fetch, which every
 * such session counts (RFC 8461 §6). {@link MtaSts#session} records both for you.
 *
 * <pre>{@code
 * PolicyResolution r = sts.resolve(DomainName.of("example.com"));
 * if (r.policyUnknown()) {
 *     // DNS failed and nothing is cached: defer the message, or deliver without MTA-STS (your choice)
 * }
 * Optional<StsPolicy> policy = r.policyToApply();     // empty: deliver as without MTA-STS
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-5.1">RFC 8461 §5.1</a>
 * @since 0.1
 */
public sealed interface PolicyResolution
        permits PolicyResolution.Active, PolicyResolution.NoPolicy, PolicyResolution.TemporaryFailure {

    /** The outcomes, to switch on. */
    enum Kind {
        /** A valid, unexpired policy applies (from the cache or just fetched). */
        ACTIVE,
        /** No policy applies: deliver as if the domain had no MTA-STS (RFC 8461 §3.3, §5). */
        NO_POLICY,
        /** Something failed that may pass; a cached policy may apply meanwhile. */
        TEMPORARY_FAILURE
    }

    /** Why there is no fresh policy, with a stable code. */
    enum Reason {
        /** No STS record: NXDOMAIN, NODATA, or only other TXT records (RFC 8461 §3.1). */
        NO_RECORD("sts-record-absent"),
        /** More than one STS record: no available policy (RFC 8461 §3.1). */
        MULTIPLE_RECORDS("sts-record-multiple"),
        /** One STS record, and it is invalid (RFC 8461 §3.1). */
        INVALID_RECORD("sts-record-invalid"),
        /**
         * The TXT lookup failed temporarily: SERVFAIL, timeout, network. RFC 8461 does not say what
         * a sender does then without a cached policy; the resolution leaves it to the caller.
         */
        DNS_FAILURE("dns-temporary-failure"),
        /** The policy could not be fetched: status, certificate, timeout, size, I/O (RFC 8461 §3.3). */
        FETCH_FAILED("policy-fetch-failed"),
        /** The policy was fetched but is invalid (RFC 8461 §3.2). */
        POLICY_INVALID("policy-invalid"),
        /**
         * Nothing was cached and the resolution did not finish within the caller's deadline; it
         * goes on in the background and a later call finds its result.
         */
        TIMEOUT("resolution-timeout"),
        /** The thread waiting in {@link MtaSts#resolve} was interrupted. */
        INTERRUPTED("interrupted"),
        /** A component broke its contract: the store, resolver or fetcher threw. */
        INTERNAL_ERROR("internal-error");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        /**
         * Returns a stable kebab-case code.
         *
         * @return the code
         */
        public String code() {
            return code;
        }
    }

    /**
     * Returns which outcome this is.
     *
     * @return the kind
     */
    Kind kind();

    /**
     * Returns the policy domain.
     *
     * @return the domain
     */
    DomainName domain();

    /**
     * Returns the policy the sender applies: the active policy, or the cached fallback of a
     * temporary failure; empty when none applies.
     *
     * @return the policy
     */
    Optional<StsPolicy> policyToApply();

    /**
     * Returns the {@code policy} object that sessions under this resolution report (RFC 8460 §4.4):
     * {@code sts} with the policy's lines as served, or {@code no-policy-found} (also for mode
     * {@code none}, RFC 8461 §5); see {@link PolicyDetails#applied}.
     *
     * @return the policy object
     */
    PolicyDetails reportedPolicy();

    /**
     * Returns the failure of discovery or fetch that every session under this resolution reports
     * (RFC 8461 §6, RFC 8460 §4.3.2.2): for instance {@code sts-policy-fetch-error}, with a reason
     * code ending in {@code +fallback-to-cached-policy} when the cached policy is applied because of
     * it. Empty when nothing is to be reported.
     *
     * @return the failure
     */
    Optional<FailureDetails> policyFailure();

    /**
     * Returns whether the sender cannot know the domain's policy: a temporary failure with no cached
     * policy to apply (e.g. the TXT lookup failed on a cold cache). RFC 8461 does not say what to do
     * then; deferring the message is the safe choice, delivering without MTA-STS the lenient one.
     *
     * @return true for a {@link TemporaryFailure} without fallback
     */
    default boolean policyUnknown() {
        return this instanceof TemporaryFailure t && t.fallback().isEmpty();
    }

    /**
     * A valid, unexpired policy applies.
     *
     * @param cached the policy with its record id, fetch time and expiry
     * @param fresh whether it was fetched for this resolution rather than served from the cache
     * @param reportedPolicy the policy object sessions report: {@link PolicyDetails#applied} of
     *     {@code cached}, made once
     */
    record Active(CachedPolicy cached, boolean fresh, PolicyDetails reportedPolicy) implements PolicyResolution {
        /**
         * Validates the components.
         *
         * @param cached the policy with its record id, fetch time and expiry
         * @param fresh whether it was fetched for this resolution rather than served from the cache
         * @param reportedPolicy the policy object sessions report: {@link PolicyDetails#applied} of
         *     {@code cached}, made once
         * @throws IllegalArgumentException if {@code reportedPolicy} is not the one of {@code cached}
         */
        public Active {
            Objects.requireNonNull(cached, "cached");
            Objects.requireNonNull(reportedPolicy, "reportedPolicy");
            if (!reportedPolicy.equals(PolicyDetails.applied(cached))) {
                throw new IllegalArgumentException("reportedPolicy is not the policy object of the cached policy");
            }
        }

        /**
         * Makes the outcome, with the policy object of {@code cached}.
         *
         * @param cached the policy
         * @param fresh whether it was just fetched
         */
        public Active(CachedPolicy cached, boolean fresh) {
            this(cached, fresh, PolicyDetails.applied(cached));
        }

        @Override
        public Kind kind() {
            return Kind.ACTIVE;
        }

        @Override
        public DomainName domain() {
            return cached.domain();
        }

        /**
         * Returns the policy.
         *
         * @return the policy
         */
        public StsPolicy policy() {
            return cached.policy();
        }

        @Override
        public Optional<StsPolicy> policyToApply() {
            return Optional.of(cached.policy());
        }

        @Override
        public Optional<FailureDetails> policyFailure() {
            return Optional.empty();
        }
    }

    /**
     * No policy applies: deliver as if the domain had not implemented MTA-STS (RFC 8461 §3.3),
     * reporting the {@link #policyFailure} if there is one (a valid record whose policy could not be
     * fetched, RFC 8461 §6).
     *
     * @param domain the policy domain
     * @param reason why
     * @param detail a one-line explanation without raw control characters
     * @param reportedPolicy the policy object sessions report
     * @param policyFailure the failure sessions report, if any
     */
    record NoPolicy(DomainName domain, Reason reason, String detail, PolicyDetails reportedPolicy,
            Optional<FailureDetails> policyFailure) implements PolicyResolution {
        /**
         * Validates the components.
         *
         * @param domain the policy domain
         * @param reason why
         * @param detail a one-line explanation without raw control characters
         * @param reportedPolicy the policy object sessions report
         * @param policyFailure the failure sessions report, if any
         */
        public NoPolicy {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(reportedPolicy, "reportedPolicy");
            Objects.requireNonNull(policyFailure, "policyFailure");
        }

        @Override
        public Kind kind() {
            return Kind.NO_POLICY;
        }

        @Override
        public Optional<StsPolicy> policyToApply() {
            return Optional.empty();
        }
    }

    /**
     * Discovery or fetch failed. With a {@code fallback}, the sender applies that unexpired cached
     * policy (RFC 8461 §3.3, §5.1) and reports the failure with the fallback marker; without one
     * (a DNS failure and an empty cache), the caller decides whether to defer ({@link
     * #policyUnknown()}).
     *
     * @param domain the policy domain
     * @param reason what failed
     * @param detail a one-line explanation without raw control characters
     * @param fallback the unexpired cached policy to apply, if any
     * @param reportedPolicy the policy object sessions report: that of the fallback, else {@code
     *     no-policy-found}
     * @param policyFailure the failure sessions report, if any
     */
    record TemporaryFailure(DomainName domain, Reason reason, String detail, Optional<CachedPolicy> fallback,
            PolicyDetails reportedPolicy, Optional<FailureDetails> policyFailure) implements PolicyResolution {
        /**
         * Validates the components.
         *
         * @param domain the policy domain
         * @param reason what failed
         * @param detail a one-line explanation without raw control characters
         * @param fallback the unexpired cached policy to apply, if any
         * @param reportedPolicy the policy object sessions report: that of the fallback, else {@code
         *     no-policy-found}
         * @param policyFailure the failure sessions report, if any
         */
        public TemporaryFailure {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(fallback, "fallback");
            Objects.requireNonNull(reportedPolicy, "reportedPolicy");
            Objects.requireNonNull(policyFailure, "policyFailure");
        }

        /**
         * Makes the outcome, reporting the fallback's policy object (or {@code no-policy-found}).
         *
         * @param domain the policy domain
         * @param reason what failed
         * @param detail a one-line explanation
         * @param fallback the cached policy to apply, if any
         * @param policyFailure the failure sessions report, if any
         */
        public TemporaryFailure(DomainName domain, Reason reason, String detail, Optional<CachedPolicy> fallback,
                Optional<FailureDetails> policyFailure) {
            this(domain, reason, detail, fallback, fallback.map(PolicyDetails::applied)
                    .orElseGet(() -> PolicyDetails.noPolicyFound(domain)), policyFailure);
        }

        @Override
        public Kind kind() {
            return Kind.TEMPORARY_FAILURE;
        }

        @Override
        public Optional<StsPolicy> policyToApply() {
            return fallback.map(CachedPolicy::policy);
        }
    }
}
