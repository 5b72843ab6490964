package org.mtasts.http.publish;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@link PolicyPublisher#publish(PublishRequest)}: {@link Published}, {@link
 * Unchanged} (the published id is already this policy's), {@link DryRun}, {@link Refused} (a
 * check failed or the server said no: nothing was changed) or {@link TemporaryFailure} (try
 * again later). Every outcome lists the {@link Step}s that ran, in order.
 *
 * <pre>{@code
 * PublishResult result = publisher.publish(request);
 * switch (result.kind()) {
 *     case PUBLISHED -> System.out.println("new id " + ((PublishResult.Published) result).id());
 *     case REFUSED -> System.out.println("refused: " + result.detail());
 *     default -> System.out.println(result.detail());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public sealed interface PublishResult permits PublishResult.Published, PublishResult.Unchanged, PublishResult.DryRun,
        PublishResult.Refused, PublishResult.TemporaryFailure {

    /** The outcomes, to switch on. */
    enum Kind {
        /** The records were replaced and the server confirmed them. */
        PUBLISHED,
        /** The published records already say this policy's id: nothing was sent. */
        UNCHANGED,
        /** Every check passed; the update was described, not sent. */
        DRY_RUN,
        /** A check failed or the server refused: nothing was changed. */
        REFUSED,
        /** A network or server problem: try again later. */
        TEMPORARY_FAILURE
    }

    /** Why a publish was refused. */
    enum Reason {
        /** The policy file breaks RFC 8461 §3.2. */
        INVALID_POLICY,
        /** The request declared enforce but the policy says another mode. */
        MODE_MISMATCH,
        /** A live MX host is not matched by the policy's {@code mx} patterns (RFC 8461 §4.1). */
        MX_NOT_COVERED,
        /** The domain does not exist or publishes a null MX (RFC 7505). */
        NO_MAIL,
        /** The policy host does not serve a policy (status, certificate, invalid body). */
        NOT_SERVED,
        /** The policy host serves another policy than this one. */
        POLICY_DIFFERS,
        /** The switch to enforce lacks a ready verdict from the reports, and was not forced. */
        NOT_READY,
        /** The DNS server refused (a wrong key, an ACL, a zone it does not serve, a CNAME). */
        DNS_REFUSED,
        /** The records changed between reading and updating them: the prerequisite failed. */
        CONCURRENT_CHANGE
    }

    /**
     * One step of the run.
     *
     * @param name {@code lint}, {@code mx}, {@code fetch}, {@code id}, {@code read}, {@code gate},
     *     {@code update} or {@code confirm}
     * @param ok whether it passed
     * @param detail what it found, for people
     */
    record Step(String name, boolean ok, String detail) {
        /**
         * Validates the components.
         *
         * @param name the step's name
         * @param ok whether it passed
         * @param detail what it found
         */
        public Step {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** {@return which outcome this is} */
    Kind kind();

    /** {@return a one-line summary for people} */
    String detail();

    /** {@return the steps that ran, in order} */
    List<Step> steps();

    /**
     * The records were replaced, and the authoritative server answers with them.
     *
     * @param id the new policy id
     * @param stsRecord the {@code _mta-sts} record published
     * @param previous the {@code v=STSv1} records replaced (empty for a first publication)
     * @param tlsRptRecord the {@code _smtp._tls} record published, if it changed
     * @param forceReason the reason given to pass the readiness gate, if it was forced
     * @param update the UPDATE message sent, in presentation form
     * @param steps the steps that ran
     */
    record Published(String id, String stsRecord, List<String> previous, Optional<String> tlsRptRecord,
            Optional<String> forceReason, String update, List<Step> steps) implements PublishResult {
        /**
         * Validates and copies the components.
         *
         * @param id the new policy id
         * @param stsRecord the record published
         * @param previous the records replaced
         * @param tlsRptRecord the TLS-RPT record published, if it changed
         * @param forceReason the reason the gate was forced, if it was
         * @param update the UPDATE message sent
         * @param steps the steps that ran
         */
        public Published {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(stsRecord, "stsRecord");
            previous = List.copyOf(previous);
            Objects.requireNonNull(tlsRptRecord, "tlsRptRecord");
            Objects.requireNonNull(forceReason, "forceReason");
            Objects.requireNonNull(update, "update");
            steps = List.copyOf(steps);
        }

        @Override
        public Kind kind() {
            return Kind.PUBLISHED;
        }

        @Override
        public String detail() {
            return "published " + stsRecord + (previous.isEmpty() ? " (first publication)" : " replacing " + previous);
        }
    }

    /**
     * The published records already say this policy's id (and the TLS-RPT record, if one was
     * given, is already the one published): nothing was sent.
     *
     * @param id the policy id
     * @param steps the steps that ran
     */
    record Unchanged(String id, List<Step> steps) implements PublishResult {
        /**
         * Validates and copies the components.
         *
         * @param id the policy id
         * @param steps the steps that ran
         */
        public Unchanged {
            Objects.requireNonNull(id, "id");
            steps = List.copyOf(steps);
        }

        @Override
        public Kind kind() {
            return Kind.UNCHANGED;
        }

        @Override
        public String detail() {
            return "unchanged: the published id is already " + id;
        }
    }

    /**
     * Every check passed; this is the update that would be sent.
     *
     * @param id the policy id
     * @param stsRecord the {@code _mta-sts} record that would be published
     * @param update the UPDATE message, in presentation form
     * @param steps the steps that ran
     */
    record DryRun(String id, String stsRecord, String update, List<Step> steps) implements PublishResult {
        /**
         * Validates and copies the components.
         *
         * @param id the policy id
         * @param stsRecord the record that would be published
         * @param update the UPDATE message
         * @param steps the steps that ran
         */
        public DryRun {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(stsRecord, "stsRecord");
            Objects.requireNonNull(update, "update");
            steps = List.copyOf(steps);
        }

        @Override
        public Kind kind() {
            return Kind.DRY_RUN;
        }

        @Override
        public String detail() {
            return "dry run: would publish " + stsRecord;
        }
    }

    /**
     * Not published: a check failed or the server refused. Nothing was changed.
     *
     * @param reason why
     * @param detail a description for people
     * @param differences for {@link Reason#POLICY_DIFFERS}: each line that differs between the file
     *     and what the policy host serves; empty otherwise
     * @param id the policy id, once the policy was valid
     * @param steps the steps that ran
     */
    record Refused(Reason reason, String detail, List<String> differences, Optional<String> id, List<Step> steps)
            implements PublishResult {
        /**
         * Validates and copies the components.
         *
         * @param reason why
         * @param detail a description for people
         * @param differences the lines that differ, for {@link Reason#POLICY_DIFFERS}
         * @param id the policy id, once the policy was valid
         * @param steps the steps that ran
         */
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            differences = List.copyOf(differences);
            Objects.requireNonNull(id, "id");
            steps = List.copyOf(steps);
        }

        @Override
        public Kind kind() {
            return Kind.REFUSED;
        }
    }

    /**
     * A network or server problem stopped the run; trying again later may work. If the update
     * itself went unanswered, it may or may not have been applied: publishing again finds out.
     *
     * @param detail what happened
     * @param cause the exception behind it, if any
     * @param id the policy id, once the policy was valid
     * @param steps the steps that ran
     */
    record TemporaryFailure(String detail, @Nullable Throwable cause, Optional<String> id, List<Step> steps)
            implements PublishResult {
        /**
         * Validates and copies the components.
         *
         * @param detail what happened
         * @param cause the exception behind it, if any
         * @param id the policy id, once the policy was valid
         * @param steps the steps that ran
         */
        public TemporaryFailure {
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(id, "id");
            steps = List.copyOf(steps);
        }

        @Override
        public Kind kind() {
            return Kind.TEMPORARY_FAILURE;
        }
    }
}
