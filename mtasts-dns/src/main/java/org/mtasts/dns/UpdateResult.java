package org.mtasts.dns;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of an RFC 2136 dynamic update: {@link Updated}; {@link PrerequisiteFailed}, when the
 * records changed since they were read (someone else updated them) and nothing was changed;
 * {@link Refused}, when the server will not take the update (a wrong or unknown key, a bad
 * signature, a key not allowed to update the zone, a zone it does not serve); or {@link
 * TemporaryFailure}.
 *
 * <pre>{@code
 * UpdateResult result = updater.update(List.of(change));
 * switch (result.kind()) {
 *     case UPDATED -> System.out.println("published");
 *     case PREREQUISITE_FAILED -> System.out.println("changed meanwhile, read again: " + result.detail());
 *     default -> System.out.println("not published: " + result.detail());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2136#section-3">RFC 2136 §3</a>
 * @since 0.1
 */
public sealed interface UpdateResult
        permits UpdateResult.Updated, UpdateResult.PrerequisiteFailed, UpdateResult.Refused, UpdateResult.TemporaryFailure {

    /** The outcomes, to switch on. */
    enum Kind {
        /** The server applied the update (NOERROR, with a verified TSIG). */
        UPDATED,
        /** A prerequisite failed (NXRRSET, YXRRSET, NXDOMAIN, YXDOMAIN): nothing was changed. */
        PREREQUISITE_FAILED,
        /** The server refused the update (NOTAUTH, REFUSED, NOTZONE, NOTIMP, FORMERR, a TSIG error). */
        REFUSED,
        /** No usable answer (timeout, network, SERVFAIL, an answer whose signature does not verify). */
        TEMPORARY_FAILURE
    }

    /** {@return which outcome this is} */
    Kind kind();

    /** {@return a one-line description for people} */
    String detail();

    /** The update was applied. */
    record Updated() implements UpdateResult {
        @Override
        public Kind kind() {
            return Kind.UPDATED;
        }

        @Override
        public String detail() {
            return "the server applied the update";
        }
    }

    /**
     * A prerequisite failed: the records are no longer those read before the update, and the
     * server changed nothing (RFC 2136 §3.2).
     *
     * @param rcode the response code, such as {@code NXRRSET}
     * @param detail a description for people
     */
    record PrerequisiteFailed(String rcode, String detail) implements UpdateResult {
        /**
         * Validates the components.
         *
         * @param rcode the response code, such as {@code NXRRSET}
         * @param detail a description for people
         */
        public PrerequisiteFailed {
            Objects.requireNonNull(rcode, "rcode");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Kind kind() {
            return Kind.PREREQUISITE_FAILED;
        }
    }

    /**
     * The server refused the update.
     *
     * @param rcode the response code, such as {@code NOTAUTH}
     * @param tsigError the TSIG error of the answer, such as {@code BADKEY} or {@code BADSIG}, if any
     * @param detail a description for people
     */
    record Refused(String rcode, @Nullable String tsigError, String detail) implements UpdateResult {
        /**
         * Validates the components.
         *
         * @param rcode the response code, such as {@code NOTAUTH}
         * @param tsigError the TSIG error of the answer, if any
         * @param detail a description for people
         */
        public Refused {
            Objects.requireNonNull(rcode, "rcode");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Kind kind() {
            return Kind.REFUSED;
        }
    }

    /**
     * No usable answer; the update may or may not have been applied, so read the records again.
     *
     * @param detail what happened
     * @param cause the exception behind it, if any
     */
    record TemporaryFailure(String detail, @Nullable Throwable cause) implements UpdateResult {
        /**
         * Validates the components.
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
