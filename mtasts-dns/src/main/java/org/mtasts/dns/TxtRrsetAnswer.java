package org.mtasts.dns;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of reading the TXT records at a name from the server that takes the updates: the
 * records ({@link Found}, possibly none), a {@link Refused} answer (the server is not authoritative
 * for the name, or says REFUSED or NOTAUTH), or a {@link TemporaryFailure}.
 *
 * <pre>{@code
 * TxtRrsetAnswer answer = updater.readTxt(name);          // such as "_mta-sts.example.com"
 * switch (answer.kind()) {
 *     case FOUND -> use(((TxtRrsetAnswer.Found) answer).rrset());
 *     default -> System.err.println(answer.detail());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public sealed interface TxtRrsetAnswer permits TxtRrsetAnswer.Found, TxtRrsetAnswer.Refused, TxtRrsetAnswer.TemporaryFailure {

    /** The outcomes, to switch on. */
    enum Kind {
        /** The server answered with authority; the RRset may be empty. */
        FOUND,
        /** The server does not serve the name with authority, or refused the query. */
        REFUSED,
        /** Timeout, network error or SERVFAIL. */
        TEMPORARY_FAILURE
    }

    /** {@return which outcome this is} */
    Kind kind();

    /** {@return a one-line description for people} */
    String detail();

    /**
     * The records at the name, as the authoritative server holds them.
     *
     * @param rrset the records, possibly none
     */
    record Found(TxtRrset rrset) implements TxtRrsetAnswer {
        /**
         * Validates the component.
         *
         * @param rrset the records, possibly none
         */
        public Found {
            Objects.requireNonNull(rrset, "rrset");
        }

        @Override
        public Kind kind() {
            return Kind.FOUND;
        }

        @Override
        public String detail() {
            return rrset.isEmpty() ? "no TXT record at " + rrset.name() : rrset.texts().size() + " TXT record(s) at " + rrset.name();
        }
    }

    /**
     * The server cannot answer for the name with authority.
     *
     * @param detail what it said, such as {@code REFUSED} or "not authoritative"
     */
    record Refused(String detail) implements TxtRrsetAnswer {
        /**
         * Validates the component.
         *
         * @param detail what it said
         */
        public Refused {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Kind kind() {
            return Kind.REFUSED;
        }
    }

    /**
     * No usable answer now; trying later may work.
     *
     * @param detail what happened
     * @param cause the exception behind it, if any
     */
    record TemporaryFailure(String detail, @Nullable Throwable cause) implements TxtRrsetAnswer {
        /**
         * Validates the component.
         *
         * @param detail what happened
         * @param cause the exception behind it, if any
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
