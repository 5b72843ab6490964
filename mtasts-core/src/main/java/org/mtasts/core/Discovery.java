package org.mtasts.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of finding the one STS or TLSRPT record of a domain among its TXT answers (RFC 8461
 * §3.1, RFC 8460 §3): {@link Found}, or why there is none, which decides what a sender does and
 * what it reports.
 *
 * <pre>{@code
 * Discovery<StsRecord> d = RecordSelection.sts(List.of("v=spf1 -all", "v=STSv1; id=1"));
 * if (d instanceof Discovery.Found<StsRecord> found) {
 *     String id = found.record().id();
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param <T> {@link StsRecord} or {@link TlsRptRecord}
 * @since 0.1
 */
public sealed interface Discovery<T> permits Discovery.Found, Discovery.Absent, Discovery.Multiple,
        Discovery.Invalid, Discovery.TemporaryFailure {

    /** The outcomes, to switch on. */
    enum Kind {
        /** Exactly one record of the kind, and it is valid. */
        FOUND,
        /** No record of the kind (NXDOMAIN, NODATA, or only other TXT records). */
        ABSENT,
        /** More than one record of the kind: treated as none (RFC 8461 §3.1). */
        MULTIPLE,
        /** Exactly one record of the kind, and it is invalid: treated as none. */
        INVALID,
        /** DNS failed in a way that may pass. */
        TEMPORARY_FAILURE
    }

    /** {@return which outcome this is} */
    Kind kind();

    /** {@return the record if found, else empty} */
    default Optional<T> found() {
        return this instanceof Found<T> found ? Optional.of(found.record()) : Optional.empty();
    }

    /**
     * Exactly one valid record.
     *
     * @param <T> the record type
     * @param record the parsed record
     * @param text its text, as published
     * @param warnings what the parser accepted but the publisher should fix ({@link
     *     ParseResult.Valid#warnings()}), and any record discarded beside it that looks like one
     *     ({@link ParseWarning#DISCARDED_RECORD})
     */
    record Found<T>(T record, String text, List<ParseWarning> warnings) implements Discovery<T> {
        /**
         * Validates and copies the components.
         *
         * @param record the parsed record
         * @param text its text, as published
         * @param warnings what the parser tolerated in it
         */
        public Found {
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(text, "text");
            warnings = List.copyOf(warnings);
        }

        /**
         * A record found without warnings.
         *
         * @param record the parsed record
         * @param text its text, as published
         */
        public Found(T record, String text) {
            this(record, text, List.of());
        }

        @Override
        public Kind kind() {
            return Kind.FOUND;
        }
    }

    /**
     * No record of the kind.
     *
     * @param <T> the record type
     * @param detail why: NXDOMAIN, NODATA, or which other TXT records were there
     * @param otherTexts the TXT records at the name that are not of this kind
     */
    record Absent<T>(String detail, List<String> otherTexts) implements Discovery<T> {
        /**
         * Validates and copies the components.
         *
         * @param detail why: NXDOMAIN, NODATA, or which other TXT records were there
         * @param otherTexts the TXT records at the name that are not of this kind
         */
        public Absent {
            Objects.requireNonNull(detail, "detail");
            otherTexts = List.copyOf(otherTexts);
        }

        @Override
        public Kind kind() {
            return Kind.ABSENT;
        }
    }

    /**
     * More than one record of the kind (RFC 8461 §3.1: then there is no available policy).
     *
     * @param <T> the record type
     * @param texts the records of the kind, as published
     */
    record Multiple<T>(List<String> texts) implements Discovery<T> {
        /**
         * Validates and copies the component.
         *
         * @param texts the records of the kind, as published
         */
        public Multiple {
            texts = List.copyOf(texts);
        }

        @Override
        public Kind kind() {
            return Kind.MULTIPLE;
        }
    }

    /**
     * One record of the kind, which is invalid.
     *
     * @param <T> the record type
     * @param error the first syntax error
     * @param text the record, as published
     */
    record Invalid<T>(SyntaxError error, String text) implements Discovery<T> {
        /**
         * Validates the components.
         *
         * @param error the first syntax error
         * @param text the record, as published
         */
        public Invalid {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public Kind kind() {
            return Kind.INVALID;
        }
    }

    /**
     * The lookup failed in a way that may pass.
     *
     * @param <T> the record type
     * @param detail what happened
     * @param cause the underlying exception, if any
     */
    record TemporaryFailure<T>(String detail, @Nullable Throwable cause) implements Discovery<T> {
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
