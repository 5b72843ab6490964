package org.mtasts.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One change to the TXT records at a name, made against the records read before ({@code current}):
 * the texts to remove and the text to add. {@link DnsUpdater#update(List)} sends it with {@code
 * current} as its prerequisite, so that it applies only if nobody changed the records since they
 * were read: "RRset exists (value dependent)" when there were records, "RRset does not exist" when
 * there were none (RFC 2136 §2.4.2, §2.4.3).
 *
 * <pre>{@code
 * TxtChange change = TxtChange.replacing(current, "v=STSv1", "v=STSv1; id=e3kq0b7vnf1;", Duration.ofHours(1));
 * List<String> removed = change.remove();        // the old v=STSv1 record(s), other TXT records stay
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param current the records as read from the server
 * @param remove the texts of {@code current} to delete
 * @param add the text to add, or null
 * @param ttl the TTL of the added record
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2136#section-2.5">RFC 2136 §2.5</a>
 * @since 0.1
 */
public record TxtChange(TxtRrset current, List<String> remove, @Nullable String add, Duration ttl) {

    /** The longest TXT record text this class writes (65535 bytes of RDATA, 256 strings of 255). */
    public static final int MAX_TEXT_BYTES = 60_000;

    /**
     * Validates and copies the components.
     *
     * @param current the records as read from the server
     * @param remove the texts of {@code current} to delete
     * @param add the text to add, or null
     * @param ttl the TTL of the added record, 0 to 2147483647 seconds
     * @throws IllegalArgumentException if a text to remove is not in {@code current}, the text to
     *     add is too long, or the TTL is out of range
     */
    public TxtChange {
        Objects.requireNonNull(current, "current");
        remove = List.copyOf(remove);
        Objects.requireNonNull(ttl, "ttl");
        for (String text : remove) {
            if (!current.texts().contains(text)) {
                throw new IllegalArgumentException("cannot remove " + DnsjavaResolver.printable(text)
                        + ": not among the records read at " + current.name());
            }
        }
        if (add != null && add.length() > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException("the text to add is " + add.length() + " characters, more than " + MAX_TEXT_BYTES);
        }
        if (add != null) {
            for (int i = 0; i < add.length(); i++) {
                if (add.charAt(i) > 0xFF) {
                    throw new IllegalArgumentException("the text to add has a character above U+00FF at position " + (i + 1)
                            + "; TXT data is bytes");
                }
            }
        }
        if (ttl.isNegative() || ttl.toSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ttl " + ttl + " is outside 0 to 2147483647 seconds (RFC 2181 §8)");
        }
    }

    /**
     * Replaces the records whose text starts with {@code versionPrefix} (such as {@code v=STSv1})
     * with {@code text}, keeping every other TXT record at the name. When exactly {@code text} is
     * already the only such record, the change is empty ({@link #isEmpty()}).
     *
     * @param current the records as read from the server
     * @param versionPrefix the start of the texts to replace
     * @param text the new record's text
     * @param ttl the new record's TTL
     * @return the change
     */
    public static TxtChange replacing(TxtRrset current, String versionPrefix, String text, Duration ttl) {
        Objects.requireNonNull(versionPrefix, "versionPrefix");
        Objects.requireNonNull(text, "text");
        List<String> old = new ArrayList<>();
        for (String t : current.texts()) {
            if (t.startsWith(versionPrefix)) {
                old.add(t);
            }
        }
        if (old.equals(List.of(text))) {
            return new TxtChange(current, List.of(), null, ttl);
        }
        return new TxtChange(current, old, text, ttl);
    }

    /** {@return the owner name of the records} */
    public String name() {
        return current.name();
    }

    /** {@return true when the change removes and adds nothing} */
    public boolean isEmpty() {
        return remove.isEmpty() && add == null;
    }
}
