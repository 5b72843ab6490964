package org.mtasts.dns;

import java.util.Objects;
import org.mtasts.core.DomainName;

/**
 * One MX record: the exchange host name and its preference (RFC 5321 §5.1). The host name is the
 * name RFC 8461 §4.1 matches against a policy, not its address or a CNAME target.
 *
 * <pre>{@code
 * MxHost mx = new MxHost(DomainName.of("mx1.example.com"), 10);
 * boolean allowed = policy.matches(mx.host());
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param host the exchange host name
 * @param preference the preference; lower is tried first
 * @since 0.1
 */
public record MxHost(DomainName host, int preference) {

    /**
     * Validates the components.
     *
     * @param host the exchange host name
     * @param preference the preference; lower is tried first
     */
    public MxHost {
        Objects.requireNonNull(host, "host");
        if (preference < 0 || preference > 0xFFFF) {
            throw new IllegalArgumentException("preference " + preference + " is outside 0..65535");
        }
    }

    @Override
    public String toString() {
        return preference + " " + host;
    }
}
