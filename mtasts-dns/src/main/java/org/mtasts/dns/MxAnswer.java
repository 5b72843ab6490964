package org.mtasts.dns;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;

/**
 * The outcome of an MX lookup for a mail domain, with the permanent and temporary cases apart.
 *
 * <pre>{@code
 * MxAnswer answer = resolver.resolveMx(DomainName.of("example.com"));
 * if (answer instanceof MxAnswer.Hosts hosts) {
 *     for (MxHost mx : hosts.hosts()) {                // ordered by preference
 *         System.out.println(mx.preference() + " " + mx.host());
 *     }
 * } else if (answer.kind() == MxAnswer.Kind.NULL_MX) {
 *     // RFC 7505: the domain accepts no mail
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public sealed interface MxAnswer
        permits MxAnswer.Hosts, MxAnswer.NullMx, MxAnswer.Implicit, MxAnswer.NoDomain, MxAnswer.TemporaryFailure {

    /** The outcomes, to switch on. */
    enum Kind {
        /** MX records were found. */
        HOSTS,
        /** A single MX record {@code 0 .}: the domain accepts no mail (RFC 7505). */
        NULL_MX,
        /** No MX records (NODATA): the domain itself is the implicit MX (RFC 5321 §5.1). */
        IMPLICIT,
        /** The domain does not exist (NXDOMAIN). */
        NO_DOMAIN,
        /** SERVFAIL, timeout, refused or a network error. */
        TEMPORARY_FAILURE
    }

    /** {@return which outcome this is} */
    Kind kind();

    /**
     * MX records, ordered by preference; records of equal preference keep the order the server
     * gave them.
     *
     * @param hosts the MX hosts, never empty
     * @param ignored MX targets that are not valid host names, or a null MX mixed with real ones
     */
    record Hosts(List<MxHost> hosts, List<String> ignored) implements MxAnswer {
        /**
         * Validates and copies the components.
         *
         * @param hosts the MX hosts, never empty
         * @param ignored MX targets that are not valid host names, or a null MX mixed with real ones
         */
        public Hosts {
            hosts = List.copyOf(hosts);
            ignored = List.copyOf(ignored);
            if (hosts.isEmpty()) {
                throw new IllegalArgumentException("hosts is empty");
            }
        }

        @Override
        public Kind kind() {
            return Kind.HOSTS;
        }
    }

    /** The domain publishes a null MX (RFC 7505): it accepts no mail. */
    record NullMx() implements MxAnswer {
        @Override
        public Kind kind() {
            return Kind.NULL_MX;
        }
    }

    /**
     * The domain exists but has no MX records: mail goes to the domain itself (RFC 5321 §5.1).
     *
     * @param domain the domain, which is its own MX host
     */
    record Implicit(DomainName domain) implements MxAnswer {
        /**
         * Validates the component.
         *
         * @param domain the domain, which is its own MX host
         */
        public Implicit {
            Objects.requireNonNull(domain, "domain");
        }

        @Override
        public Kind kind() {
            return Kind.IMPLICIT;
        }
    }

    /** The domain does not exist (NXDOMAIN): a permanent answer. */
    record NoDomain() implements MxAnswer {
        @Override
        public Kind kind() {
            return Kind.NO_DOMAIN;
        }
    }

    /**
     * The lookup failed in a way that may pass.
     *
     * @param detail what happened
     * @param cause the underlying exception, if any
     */
    record TemporaryFailure(String detail, @Nullable Throwable cause) implements MxAnswer {
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
