package org.mtasts.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.TXTRecord;

/**
 * The TXT records at one name as its authoritative server holds them, read before a dynamic
 * update: each record's text (its character-strings joined, RFC 8461 §3.1), the TTL, the zone the
 * name belongs to, and, kept inside, the exact record data that an update's prerequisite repeats
 * (RFC 2136 §2.4.2).
 *
 * <pre>{@code
 * TxtRrsetAnswer answer = updater.readTxt("_mta-sts.example.com");
 * if (answer instanceof TxtRrsetAnswer.Found found) {
 *     TxtRrset current = found.rrset();
 *     List<String> texts = current.texts();       // empty when there is no TXT record
 *     String zone = current.zone();               // "example.com"
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2136#section-2.4">RFC 2136 §2.4</a>
 * @since 0.1
 */
public final class TxtRrset {

    private final String name;
    private final String zone;
    private final Duration ttl;
    private final List<String> texts;
    private final List<TXTRecord> records;

    TxtRrset(String name, String zone, Duration ttl, List<TXTRecord> records) {
        this.name = Objects.requireNonNull(name, "name");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.records = List.copyOf(records);
        List<String> joined = new ArrayList<>(records.size());
        for (TXTRecord r : records) {
            joined.add(DnsjavaResolver.join(r));
        }
        this.texts = List.copyOf(joined);
    }

    /** {@return the owner name, lower case, without the trailing dot} */
    public String name() {
        return name;
    }

    /** {@return the zone the name belongs to (the owner of its SOA), without the trailing dot} */
    public String zone() {
        return zone;
    }

    /** {@return the TTL of the records, or zero when there are none} */
    public Duration ttl() {
        return ttl;
    }

    /** {@return each TXT record's character-strings joined, in the server's order} */
    public List<String> texts() {
        return texts;
    }

    /** {@return true when there is no TXT record at the name} */
    public boolean isEmpty() {
        return records.isEmpty();
    }

    /** Returns the records as received, for the update's prerequisite. */
    List<TXTRecord> records() {
        return records;
    }

    /** {@return the name, zone and texts} */
    @Override
    public String toString() {
        return "TxtRrset[" + name + " in " + zone + ", ttl " + ttl.toSeconds() + " s, " + texts + "]";
    }
}
