package org.mtasts.intake;

/**
 * How many inputs of a run were stored, duplicates or quarantined.
 *
 * <pre>{@code
 * IntakeCounts counts = intake.acceptMaildir(maildir);
 * System.out.println(counts.stored() + " new, " + counts.duplicates() + " seen before, "
 *         + counts.quarantined() + " quarantined");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param stored new reports stored
 * @param duplicates reports stored before
 * @param quarantined inputs quarantined
 * @since 0.1
 */
public record IntakeCounts(long stored, long duplicates, long quarantined) {

    /** No inputs. */
    public static final IntakeCounts ZERO = new IntakeCounts(0, 0, 0);

    /**
     * Checks the components.
     *
     * @param stored new reports stored
     * @param duplicates reports stored before
     * @param quarantined inputs quarantined
     */
    public IntakeCounts {
        if (stored < 0 || duplicates < 0 || quarantined < 0) {
            throw new IllegalArgumentException("negative count: " + stored + ", " + duplicates + ", " + quarantined);
        }
    }

    /**
     * Returns these counts plus one result.
     *
     * @param result the result
     * @return the new counts
     */
    public IntakeCounts plus(IntakeResult result) {
        switch (result.kind()) {
            case STORED:
                return new IntakeCounts(stored + 1, duplicates, quarantined);
            case DUPLICATE:
                return new IntakeCounts(stored, duplicates + 1, quarantined);
            default:
                return new IntakeCounts(stored, duplicates, quarantined + 1);
        }
    }

    /**
     * Returns the sum of two counts.
     *
     * @param other the other counts
     * @return the sum
     */
    public IntakeCounts plus(IntakeCounts other) {
        return new IntakeCounts(stored + other.stored, duplicates + other.duplicates, quarantined + other.quarantined);
    }

    /** {@return all inputs counted} */
    public long total() {
        return stored + duplicates + quarantined;
    }
}
