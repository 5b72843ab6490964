package org.mtasts.http.publish;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;
import org.mtasts.core.PolicyMode;

/**
 * The policy id that {@link PolicyPublisher} publishes: derived from the policy's exact bytes, so
 * that a changed policy always gets a new id and an unchanged one keeps its id.
 *
 * <p>The id is the policy mode's initial ({@code e} enforce, {@code t} testing, {@code n} none)
 * followed by the first 31 characters of the lower-case RFC 4648 base32 encoding (alphabet {@code
 * a-z2-7}, no padding) of the SHA-256 digest of the bytes: 32 letters and digits, the longest id
 * RFC 8461 §3.1 allows ({@code 1*32(ALPHA / DIGIT)}), carrying 155 bits of the digest. The initial
 * lets the next publish know the mode now published without fetching the old policy (which is no
 * longer served by then): {@link #mode(String)}.
 *
 * <pre>{@code
 * String id = PolicyId.of(PolicyMode.TESTING, policyBytes);   // "t" and 31 base32 characters
 * Optional<PolicyMode> published = PolicyId.mode(id);          // TESTING
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.1">RFC 8461 §3.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc4648#section-6">RFC 4648 §6</a>
 * @since 0.1
 */
public final class PolicyId {

    /** The length of every derived id: 32, the most RFC 8461 §3.1 allows. */
    public static final int LENGTH = 32;

    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private PolicyId() {}

    /**
     * Derives the id of a policy.
     *
     * @param mode the policy's mode
     * @param body the policy's exact bytes, as served
     * @return 32 characters: the mode's initial, then 31 of base32(SHA-256(body))
     */
    public static String of(PolicyMode mode, byte[] body) {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(body, "body");
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        StringBuilder id = new StringBuilder(LENGTH);
        id.append(initial(mode));
        // RFC 4648 §6: 5 bits per character, most significant first.
        int buffer = 0;
        int bits = 0;
        for (int i = 0; id.length() < LENGTH; ) {
            if (bits < 5) {
                buffer = (buffer << 8) | (digest[i++] & 0xFF);
                bits += 8;
            }
            id.append(BASE32[(buffer >>> (bits - 5)) & 31]);
            bits -= 5;
        }
        return id.toString();
    }

    /**
     * Returns the mode an id made by {@link #of} was derived for; empty for any other id (such as
     * a time stamp written by hand or by {@code mtasts generate}).
     *
     * @param id a published id
     * @return the mode, if the id has the form of a derived id
     */
    public static Optional<PolicyMode> mode(String id) {
        Objects.requireNonNull(id, "id");
        if (id.length() != LENGTH) {
            return Optional.empty();
        }
        for (int i = 1; i < LENGTH; i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
                return Optional.empty();
            }
        }
        for (PolicyMode mode : PolicyMode.values()) {
            if (id.charAt(0) == initial(mode)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }

    private static char initial(PolicyMode mode) {
        return mode.token().charAt(0); // enforce, testing, none: e, t, n
    }
}
