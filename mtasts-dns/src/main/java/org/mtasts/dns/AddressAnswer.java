package org.mtasts.dns;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of an A and AAAA lookup for a host.
 *
 * <pre>{@code
 * AddressAnswer a = resolver.resolveAddresses(DomainName.of("mta-sts.example.com"));
 * if (a instanceof AddressAnswer.Addresses found) {
 *     InetAddress first = found.addresses().get(0);
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public sealed interface AddressAnswer
        permits AddressAnswer.Addresses, AddressAnswer.NoAddresses, AddressAnswer.TemporaryFailure {

    /** The outcomes, to switch on. */
    enum Kind {
        /** At least one address. */
        ADDRESSES,
        /** NXDOMAIN, or neither A nor AAAA records. */
        NO_ADDRESSES,
        /** SERVFAIL, timeout, refused or a network error. */
        TEMPORARY_FAILURE
    }

    /** {@return which outcome this is} */
    Kind kind();

    /**
     * Addresses found: IPv4 first, then IPv6, each in server order.
     *
     * @param addresses the addresses, never empty
     */
    record Addresses(List<InetAddress> addresses) implements AddressAnswer {
        /**
         * Validates and copies the component.
         *
         * @param addresses the addresses, never empty
         */
        public Addresses {
            addresses = List.copyOf(addresses);
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("addresses is empty");
            }
        }

        @Override
        public Kind kind() {
            return Kind.ADDRESSES;
        }
    }

    /**
     * No address: a permanent answer.
     *
     * @param nxdomain true if the name does not exist, false if it has no A or AAAA records
     */
    record NoAddresses(boolean nxdomain) implements AddressAnswer {
        @Override
        public Kind kind() {
            return Kind.NO_ADDRESSES;
        }
    }

    /**
     * The lookup failed in a way that may pass.
     *
     * @param detail what happened
     * @param cause the underlying exception, if any
     */
    record TemporaryFailure(String detail, @Nullable Throwable cause) implements AddressAnswer {
        /**
         * Validates the component.
         *
         * @param detail what happened
         * @param cause the underlying exception, if any
         */
        public TemporaryFailure {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Kind kind() {
            return Kind.TEMPORARY_FAILURE;
        }
    }
}
