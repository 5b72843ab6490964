package org.mtasts.tlsrpt;

import org.jspecify.annotations.Nullable;

/**
 * The {@code policy-type} of a report's policy (RFC 8460 §4.4): {@code sts}, {@code tlsa} or {@code
 * no-policy-found}. Reports in the wild carry other tokens too (a report from mail-auth's test data
 * has {@code invalid-policy-type}); those read as {@link #UNKNOWN}, and {@link
 * PolicyDetails#policyTypeToken()} keeps the token as received.
 *
 * <pre>{@code
 * PolicyType t = PolicyType.fromToken("no-policy-found");    // NO_POLICY_FOUND
 * PolicyType u = PolicyType.fromToken("invalid-policy-type"); // UNKNOWN
 * String token = PolicyType.STS.token();                      // "sts"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 * @since 0.1
 */
public enum PolicyType {
    /** A DANE TLSA policy (RFC 8460 §4.4, RFC 7672). */
    TLSA("tlsa"),
    /** An MTA-STS policy (RFC 8460 §4.4, RFC 8461). */
    STS("sts"),
    /** Neither policy was found for the domain (RFC 8460 §4.4). */
    NO_POLICY_FOUND("no-policy-found"),
    /** A token that RFC 8460 does not define; see {@link PolicyDetails#policyTypeToken()}. */
    UNKNOWN(null);

    private final @Nullable String token;

    PolicyType(@Nullable String token) {
        this.token = token;
    }

    /**
     * Returns the RFC 8460 token.
     *
     * @return {@code tlsa}, {@code sts} or {@code no-policy-found}
     * @throws IllegalStateException for {@link #UNKNOWN}, which has no token of its own
     */
    public String token() {
        if (token == null) {
            throw new IllegalStateException("UNKNOWN has no token; use PolicyDetails.policyTypeToken()");
        }
        return token;
    }

    /**
     * Returns the type for a token, compared exactly (RFC 8460 §4.4 spells them in lower case).
     *
     * @param token the {@code policy-type} as received
     * @return the type, {@link #UNKNOWN} for any other token
     */
    public static PolicyType fromToken(String token) {
        switch (token) {
            case "tlsa":
                return TLSA;
            case "sts":
                return STS;
            case "no-policy-found":
                return NO_POLICY_FOUND;
            default:
                return UNKNOWN;
        }
    }
}
