package org.mtasts.intake;

import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mtasts.tlsrpt.ReportError;

/**
 * What the intake did with one input: {@link Stored} a new report, found a {@link Duplicate} of a
 * stored one, or put the input in {@link Quarantined quarantine} with the reason.
 *
 * <pre>{@code
 * IntakeResult r = intake.acceptReport(body, "upload.json");
 * if (r instanceof IntakeResult.Quarantined q) {
 *     System.err.println(q.reason() + " (kept in " + q.entry() + ")");
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public sealed interface IntakeResult permits IntakeResult.Stored, IntakeResult.Duplicate, IntakeResult.Quarantined {

    /** The outcomes, to {@code switch} on. */
    enum Kind {
        /** A new report was stored. */
        STORED,
        /** The report was stored before. */
        DUPLICATE,
        /** The input holds no usable report and was quarantined. */
        QUARANTINED
    }

    /** {@return which outcome this is} */
    Kind kind();

    /**
     * A new report, stored now.
     *
     * @param identity the report's identity
     */
    record Stored(ReportIdentity identity) implements IntakeResult {
        /**
         * Checks the component.
         *
         * @param identity the report's identity
         */
        public Stored {
            Objects.requireNonNull(identity, "identity");
        }

        @Override
        public Kind kind() {
            return Kind.STORED;
        }
    }

    /**
     * A report that was stored before; nothing was written.
     *
     * @param identity the report's identity
     */
    record Duplicate(ReportIdentity identity) implements IntakeResult {
        /**
         * Checks the component.
         *
         * @param identity the report's identity
         */
        public Duplicate {
            Objects.requireNonNull(identity, "identity");
        }

        @Override
        public Kind kind() {
            return Kind.DUPLICATE;
        }
    }

    /**
     * Input without a usable report, kept in quarantine.
     *
     * @param reason why, for people
     * @param error the reader's error, or null when the input failed before the report was read
     * @param entry the quarantine entry's directory
     */
    record Quarantined(String reason, @Nullable ReportError error,
            Path entry) implements IntakeResult {
        /**
         * Checks the components.
         *
         * @param reason why
         * @param error the reader's error, or null
         * @param entry the quarantine entry
         */
        public Quarantined {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(entry, "entry");
        }

        @Override
        public Kind kind() {
            return Kind.QUARANTINED;
        }
    }
}
