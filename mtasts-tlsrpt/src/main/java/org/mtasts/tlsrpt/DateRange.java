package org.mtasts.tlsrpt;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * The {@code date-range} of a report (RFC 8460 §4.4): when the reported sessions took place. RFC
 * 8460 §4.1 asks for one full UTC day; most senders write {@code 00:00:00Z} to {@code 23:59:59Z}
 * ({@link #utcDay(LocalDate)}), some end at {@code 00:00:00Z} of the next day.
 *
 * <pre>{@code
 * DateRange day = DateRange.utcDay(LocalDate.of(2024, 2, 25));
 * day.start();   // 2024-02-25T00:00:00Z
 * day.end();     // 2024-02-25T23:59:59Z
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param start {@code start-datetime}
 * @param end {@code end-datetime}
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.1">RFC 8460 §4.1</a>
 * @since 0.1
 */
public record DateRange(Instant start, Instant end) {

    /**
     * Checks the components: both present, with four-digit years (RFC 3339 §5.6).
     *
     * @param start {@code start-datetime}
     * @param end {@code end-datetime}
     */
    public DateRange {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        String problem = DateTimes.problem(start);
        if (problem == null) {
            problem = DateTimes.problem(end);
        }
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * Returns the range of one UTC day: {@code 00:00:00Z} to {@code 23:59:59Z}, the form Google,
     * Microsoft and mox send (RFC 8460 §4.1).
     *
     * @param day the day
     * @return the range
     */
    public static DateRange utcDay(LocalDate day) {
        Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        return new DateRange(start, start.plusSeconds(86_399));
    }

    /** {@return the UTC day on which the range starts} */
    public LocalDate startDay() {
        return LocalDate.ofInstant(start, ZoneOffset.UTC);
    }

    /** {@return {@code start} in Unix seconds, as in the RFC 8460 §5.1 file name} */
    public long startEpochSecond() {
        return start.getEpochSecond();
    }

    /** {@return {@code end} in Unix seconds, as in the RFC 8460 §5.1 file name} */
    public long endEpochSecond() {
        return end.getEpochSecond();
    }

    /** Returns {@code start/end} in RFC 3339 form. */
    @Override
    public String toString() {
        return DateTimes.format(start) + "/" + DateTimes.format(end);
    }
}
