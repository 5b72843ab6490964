package org.mtasts.dns;

import java.util.List;
import java.util.Objects;
import org.mtasts.core.DomainName;

/**
 * What {@link DaneLookup} found about a mail domain's DANE (RFC 7672): whether its MX hosts have
 * DNSSEC-validated TLSA records, so that a sender applies DANE instead of MTA-STS (RFC 8461 §2).
 *
 * <pre>{@code
 * if (answer instanceof DaneAnswer.Usable usable && usable.allHosts()) {
 *     // every MX host has validated TLSA records: DANE applies to every delivery
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7672#section-2.2">RFC 7672 §2.2</a>
 * @since 0.1
 */
public sealed interface DaneAnswer permits DaneAnswer.Usable, DaneAnswer.NotUsable, DaneAnswer.TemporaryFailure {

    /**
     * The MX RRset is DNSSEC-validated (AD bit) and at least one MX host has DNSSEC-validated TLSA
     * records at {@code _25._tcp.<host>}.
     *
     * @param mxHosts the MX hosts (the domain itself when it has no MX records)
     * @param tlsaHosts the MX hosts with validated TLSA records, a non-empty subset of {@code mxHosts}
     */
    record Usable(List<DomainName> mxHosts, List<DomainName> tlsaHosts) implements DaneAnswer {
        /**
         * Validates the components.
         *
         * @param mxHosts the MX hosts
         * @param tlsaHosts the hosts with validated TLSA records, not empty
         */
        public Usable {
            mxHosts = List.copyOf(mxHosts);
            tlsaHosts = List.copyOf(tlsaHosts);
            if (tlsaHosts.isEmpty() || !mxHosts.containsAll(tlsaHosts)) {
                throw new IllegalArgumentException("tlsaHosts must be a non-empty subset of mxHosts");
            }
        }

        /**
         * Returns whether every MX host has validated TLSA records.
         *
         * @return true if no MX host lacks them
         */
        public boolean allHosts() {
            return tlsaHosts.size() == mxHosts.size();
        }
    }

    /**
     * DANE does not apply: the MX RRset is not validated, or no MX host has validated TLSA records,
     * or the domain does not exist or accepts no mail.
     *
     * @param reason why, one line
     */
    record NotUsable(String reason) implements DaneAnswer {
        /**
         * Validates the reason.
         *
         * @param reason why
         */
        public NotUsable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A lookup failed: SERVFAIL (which a validating resolver also answers for bogus data), timeout
     * or a network error.
     *
     * @param detail what failed, one line
     */
    record TemporaryFailure(String detail) implements DaneAnswer {
        /**
         * Validates the detail.
         *
         * @param detail what failed
         */
        public TemporaryFailure {
            Objects.requireNonNull(detail, "detail");
        }
    }
}
