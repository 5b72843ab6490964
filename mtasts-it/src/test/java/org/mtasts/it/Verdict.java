package org.mtasts.it;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.PolicyMode;

/**
 * What a sender ends up with for one domain, in the peer's words too: a policy in some mode
 * (postfix-mta-sts-resolver's VALID), no policy because discovery found none (NONE), or a valid
 * record whose policy could not be fetched or used (FETCH_ERROR). Ours carries a code saying why.
 *
 * @param outcome the outcome
 * @param mode the policy's mode, for {@link Outcome#POLICY}
 * @param code our reason or failure-reason code, or null where the column has none (RFC, peer)
 */
record Verdict(Outcome outcome, @Nullable PolicyMode mode, @Nullable String code) {

    /** The three outcomes a sender distinguishes. */
    enum Outcome {
        /** A policy applies (RFC 8461 §5). */
        POLICY,
        /** Discovery found no usable record: as if the domain had no MTA-STS (RFC 8461 §3.1). */
        NO_POLICY,
        /** The record is valid but the policy cannot be fetched or is invalid (RFC 8461 §3.3). */
        NO_USABLE_POLICY
    }

    Verdict {
        Objects.requireNonNull(outcome, "outcome");
        if ((outcome == Outcome.POLICY) != (mode != null)) {
            throw new IllegalArgumentException("a mode goes with POLICY only");
        }
    }

    static Verdict policy(PolicyMode mode) {
        return new Verdict(Outcome.POLICY, mode, null);
    }

    static Verdict policy(PolicyMode mode, String code) {
        return new Verdict(Outcome.POLICY, mode, code);
    }

    static final Verdict NONE = new Verdict(Outcome.NO_POLICY, null, null);
    static final Verdict FETCH_ERROR = new Verdict(Outcome.NO_USABLE_POLICY, null, null);

    static Verdict none(String code) {
        return new Verdict(Outcome.NO_POLICY, null, code);
    }

    static Verdict fetchError(String code) {
        return new Verdict(Outcome.NO_USABLE_POLICY, null, code);
    }

    /** The same outcome and mode, whatever the codes. */
    boolean sameOutcome(Verdict other) {
        return outcome == other.outcome && mode == other.mode;
    }

    /** This verdict without its code. */
    Verdict withoutCode() {
        return new Verdict(outcome, mode, null);
    }

    /** In the peer's words: {@code VALID enforce}, {@code NONE}, {@code FETCH_ERROR}. */
    String peerWords() {
        return switch (outcome) {
            case POLICY -> "VALID " + Objects.requireNonNull(mode).token();
            case NO_POLICY -> "NONE";
            case NO_USABLE_POLICY -> "FETCH_ERROR";
        };
    }

    /** In plain words, with the code: {@code policy (enforce)}, {@code no policy: sts-record-multiple}. */
    @Override
    public String toString() {
        String head = switch (outcome) {
            case POLICY -> "policy (" + Objects.requireNonNull(mode).token() + ")";
            case NO_POLICY -> "no policy";
            case NO_USABLE_POLICY -> "no usable policy";
        };
        return code == null ? head : head + ": " + code;
    }
}
