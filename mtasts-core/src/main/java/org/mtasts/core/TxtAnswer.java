package org.mtasts.core;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a DNS lookup of TXT records at one name gave: {@link Records}, {@link NoRecords} (NXDOMAIN
 * or NODATA, which are permanent) or a {@link TemporaryFailure} (SERVFAIL, timeout, refused,
 * network error). Keeping the last two apart is what decides between "no policy" and "try again"
 * (RFC 8461 §3.1, §5); implementations that read a SERVFAIL as "no record" drop a domain's
 * protection whenever its DNS has a bad moment.
 *
 * <pre>{@code
 * TxtAnswer answer = resolver.resolveTxtAsync("_mta-sts.example.com").join();
 * if (answer instanceof TxtAnswer.Records records) {
 *     Discovery<StsRecord> d = RecordSelection.sts(records.texts());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public sealed interface TxtAnswer permits TxtAnswer.Records, TxtAnswer.NoRecords, TxtAnswer.TemporaryFailure {

    /** The three outcomes, to switch on. */
    enum Kind {
        /** At least one TXT record. */
        RECORDS,
        /** NXDOMAIN or NODATA. */
        NO_RECORDS,
        /** SERVFAIL, timeout, refused or a network error. */
        TEMPORARY_FAILURE
    }

    /** {@return which outcome this is} */
    Kind kind();

    /**
     * TXT records were found.
     *
     * @param texts one entry per TXT record: its character-strings joined with no separator
     *     (RFC 8461 §3.1), each byte mapped to one char (ISO-8859-1), so no byte is lost or replaced
     */
    record Records(List<String> texts) implements TxtAnswer {
        /**
         * Validates and copies the component.
         *
         * @param texts one entry per TXT record: its character-strings joined with no separator
         *     (RFC 8461 §3.1), each byte mapped to one char (ISO-8859-1), so no byte is lost or replaced
         */
        public Records {
            texts = List.copyOf(texts);
        }

        @Override
        public Kind kind() {
            return Kind.RECORDS;
        }
    }

    /**
     * The name has no TXT records: a permanent answer.
     *
     * @param nxdomain true for NXDOMAIN (the name does not exist), false for NODATA
     */
    record NoRecords(boolean nxdomain) implements TxtAnswer {
        @Override
        public Kind kind() {
            return Kind.NO_RECORDS;
        }

        /** Returns {@code NXDOMAIN} or {@code NODATA}. */
        @Override
        public String toString() {
            return nxdomain ? "NXDOMAIN" : "NODATA";
        }
    }

    /**
     * The lookup failed in a way that may pass: SERVFAIL, timeout, REFUSED, network error.
     *
     * @param detail what happened, for logs and reports (no raw network bytes)
     * @param cause the underlying exception, if any
     */
    record TemporaryFailure(String detail, @Nullable Throwable cause) implements TxtAnswer {
        /**
         * Validates the component.
         *
         * @param detail what happened, for logs and reports (no raw network bytes)
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
