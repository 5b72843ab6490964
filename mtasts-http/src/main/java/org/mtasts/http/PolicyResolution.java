package org.mtasts.http;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.StsPolicy;

/**
 * What a sender should do about MTA-STS for one recipient domain, as {@link MtaSts#resolve} found
 * it (RFC 8461 §3, §5): apply an {@link Active} policy, deliver as if there were {@link NoPolicy},
 * or face a {@link TemporaryFailure}, which carries the cached policy to fall back on when there is
 * one. Each outcome also carries the {@link TlsRptFacts} the sender reports.
 *
 * <pre>{@code
 * PolicyResolution r = sts.resolve(DomainName.of("example.com"));
 * StsPolicy policy = r.policyToApply();          // null: deliver as without MTA-STS
 * if (r.kind() == PolicyResolution.Kind.TEMPORARY_FAILURE && policy == null) {
 *     // DNS failed and nothing is cached: defer, or deliver without MTA-STS (your choice)
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-5.1">RFC 8461 §5.1</a>
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
        /** The TXT lookup failed temporarily: SERVFAIL, timeout, network (ambiguity A5). */
        DNS_FAILURE("dns-temporary-failure"),
        /** The policy could not be fetched: status, certificate, timeout, size, I/O (RFC 8461 §3.3). */
        FETCH_FAILED("policy-fetch-failed"),
        /** The policy was fetched but is invalid (RFC 8461 §3.2). */
        POLICY_INVALID("policy-invalid"),
        /** The thread waiting in {@link MtaSts#resolve} was interrupted. */
        INTERRUPTED("interrupted"),
        /** A component broke its contract: the store, resolver or fetcher threw. */
        INTERNAL_ERROR("internal-error");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        /** Returns a stable kebab-case code. */
        public String code() {
            return code;
        }
    }

    /** Returns which outcome this is. */
    Kind kind();

    /** Returns the policy domain. */
    DomainName domain();

    /**
     * Returns the policy the sender applies: the active policy, the cached fallback of a temporary
     * failure, or null when none applies.
     */
    @Nullable StsPolicy policyToApply();

    /** Returns what the sender reports about this domain's policy (RFC 8460 §4.4). */
    TlsRptFacts tlsRpt();

    /**
     * A valid, unexpired policy applies.
     *
     * @param cached the policy with its record id, fetch time and expiry
     * @param fresh whether it was fetched for this resolution rather than served from the cache
     * @param tlsRpt what to report
     */
    record Active(CachedPolicy cached, boolean fresh, TlsRptFacts tlsRpt) implements PolicyResolution {
        /** Validates the components. */
        public Active {
            Objects.requireNonNull(cached, "cached");
            Objects.requireNonNull(tlsRpt, "tlsRpt");
        }

        @Override
        public Kind kind() {
            return Kind.ACTIVE;
        }

        @Override
        public DomainName domain() {
            return cached.domain();
        }

        /** Returns the policy. */
        public StsPolicy policy() {
            return cached.policy();
        }

        @Override
        public StsPolicy policyToApply() {
            return cached.policy();
        }
    }

    /**
     * No policy applies: deliver as if the domain had not implemented MTA-STS (RFC 8461 §3.3),
     * reporting the failure if {@link TlsRptFacts#hasFailure()}.
     *
     * @param domain the policy domain
     * @param reason why
     * @param detail a one-line explanation without raw control characters
     * @param tlsRpt what to report
     */
    record NoPolicy(DomainName domain, Reason reason, String detail, TlsRptFacts tlsRpt) implements PolicyResolution {
        /** Validates the components. */
        public NoPolicy {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(tlsRpt, "tlsRpt");
        }

        @Override
        public Kind kind() {
            return Kind.NO_POLICY;
        }

        @Override
        public @Nullable StsPolicy policyToApply() {
            return null;
        }
    }

    /**
     * Discovery or fetch failed. With a {@code fallback}, the sender applies that unexpired cached
     * policy (RFC 8461 §3.3, §5.1) and reports the failure with the fallback marker; without one
     * (a DNS failure and an empty cache, ambiguity A5), the caller decides whether to defer.
     *
     * @param domain the policy domain
     * @param reason what failed
     * @param detail a one-line explanation without raw control characters
     * @param fallback the unexpired cached policy to apply, or null
     * @param tlsRpt what to report
     */
    record TemporaryFailure(DomainName domain, Reason reason, String detail, @Nullable CachedPolicy fallback,
            TlsRptFacts tlsRpt) implements PolicyResolution {
        /** Validates the components. */
        public TemporaryFailure {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(tlsRpt, "tlsRpt");
        }

        @Override
        public Kind kind() {
            return Kind.TEMPORARY_FAILURE;
        }

        @Override
        public @Nullable StsPolicy policyToApply() {
            return fallback == null ? null : fallback.policy();
        }
    }
}
