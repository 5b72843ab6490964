package org.mtasts.core;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@code mode} of an MTA-STS policy (RFC 8461 §3.2, §5). Tokens are case-sensitive.
 *
 * <pre>{@code
 * PolicyMode mode = PolicyMode.fromToken("enforce").orElseThrow();
 * boolean refusesBadMx = mode == PolicyMode.ENFORCE;
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-5">RFC 8461 §5</a>
 * @since 0.1
 */
public enum PolicyMode {
    /** Refuse delivery to MX hosts that do not match or fail TLS validation. */
    ENFORCE("enforce"),
    /** Deliver as usual, and report failures through TLS-RPT. */
    TESTING("testing"),
    /** Behave as if there were no policy. */
    NONE("none");

    private final String token;

    PolicyMode(String token) {
        this.token = token;
    }

    /** {@return the wire token: {@code enforce}, {@code testing} or {@code none}} */
    public String token() {
        return token;
    }

    /**
     * Returns the mode for an exact, case-sensitive token.
     *
     * @param token the value of the {@code mode} field
     * @return the mode, or empty if the token is not one of the three
     */
    public static Optional<PolicyMode> fromToken(String token) {
        return Optional.ofNullable(lookup(token));
    }

    static @Nullable PolicyMode lookup(CharSequence token) {
        for (PolicyMode mode : VALUES) {
            if (mode.token.contentEquals(token)) {
                return mode;
            }
        }
        return null;
    }

    /** Looks up {@code text[from, to)} without copying it (case-sensitive, as {@link #lookup(CharSequence)}). */
    static @Nullable PolicyMode lookup(String text, int from, int to) {
        for (PolicyMode mode : VALUES) {
            if (mode.token.length() == to - from && text.startsWith(mode.token, from)) {
                return mode;
            }
        }
        return null;
    }

    /** {@link #values()} without a copy per call. */
    private static final PolicyMode[] VALUES = values();

    /** Returns {@link #token()}. */
    @Override
    public String toString() {
        return token;
    }
}
