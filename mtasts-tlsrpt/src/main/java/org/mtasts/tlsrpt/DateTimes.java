package org.mtasts.tlsrpt;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * RFC 3339 §5.6 {@code date-time}, the form RFC 8460 §4.4 requires in {@code date-range}, read by
 * hand (two per report; no regular expression, precise errors) and written as UTC with {@code Z}.
 */
final class DateTimes {
    /** The earliest instant with a four-digit year. */
    static final Instant MIN = Instant.parse("0000-01-01T00:00:00Z");
    /** The latest instant with a four-digit year. */
    static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private DateTimes() {}

    /** A parsed date-time: the instant and whether the text had no time zone at all. */
    record Parsed(Instant instant, boolean zoneless) {}

    /** Thrown by {@link #parse} with the reason, without the value. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Parses {@code YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)}; {@code T} and {@code Z} in either
     * case (RFC 3339 §5.6 NOTE). A missing offset is accepted and reported through {@link
     * Parsed#zoneless()}.
     */
    static Parsed parse(String s) throws Invalid {
        int n = s.length();
        if (n < 19) {
            throw new Invalid("too short for an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SSZ)");
        }
        int year = digits(s, 0, 4);
        expect(s, 4, '-');
        int month = digits(s, 5, 2);
        expect(s, 7, '-');
        int day = digits(s, 8, 2);
        char t = s.charAt(10);
        if (t != 'T' && t != 't') {
            throw new Invalid("expected 'T' between date and time at index 10");
        }
        int hour = digits(s, 11, 2);
        expect(s, 13, ':');
        int minute = digits(s, 14, 2);
        expect(s, 16, ':');
        int second = digits(s, 17, 2);
        int i = 19;
        int nanos = 0;
        if (i < n && s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                if (i - start < 9) {
                    nanos = nanos * 10 + (s.charAt(i) - '0');
                }
                i++;
            }
            if (i == start) {
                throw new Invalid("expected digits after '.' at index " + start);
            }
            for (int k = i - start; k < 9; k++) {
                nanos *= 10;
            }
        }
        if (second == 60) {
            throw new Invalid("a leap second (:60) cannot be represented");
        }
        int offsetSeconds = 0;
        boolean zoneless = false;
        if (i == n) {
            zoneless = true;
        } else {
            char z = s.charAt(i);
            if (z == 'Z' || z == 'z') {
                i++;
            } else if (z == '+' || z == '-') {
                if (n - i != 6) {
                    throw new Invalid("expected a time offset like +01:00 at index " + i);
                }
                int oh = digits(s, i + 1, 2);
                expect(s, i + 3, ':');
                int om = digits(s, i + 4, 2);
                if (oh > 23 || om > 59) {
                    throw new Invalid("time offset out of range at index " + i);
                }
                offsetSeconds = (z == '-' ? -1 : 1) * (oh * 3600 + om * 60);
                i += 6;
            } else {
                throw new Invalid("unexpected character at index " + i + " (expected 'Z' or an offset)");
            }
            if (i != n) {
                throw new Invalid("unexpected text after the date-time at index " + i);
            }
        }
        try {
            LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second, nanos);
            return new Parsed(local.toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds)), zoneless);
        } catch (DateTimeException e) {
            throw new Invalid("not a valid date or time: " + e.getMessage());
        }
    }

    /** Formats an instant as RFC 3339 UTC: {@code 2016-04-01T00:00:00Z}, fraction only when non-zero. */
    static String format(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    /** Returns a problem with an instant for the report model, or null. */
    static @Nullable String problem(Instant instant) {
        if (instant.isBefore(MIN) || instant.isAfter(MAX)) {
            return "instant " + instant + " has no four-digit year (RFC 3339 §5.6)";
        }
        return null;
    }

    private static int digits(String s, int at, int count) throws Invalid {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            char c = i < s.length() ? s.charAt(i) : '\0';
            if (c < '0' || c > '9') {
                throw new Invalid("expected a digit at index " + i);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static void expect(String s, int at, char c) throws Invalid {
        if (at >= s.length() || s.charAt(at) != c) {
            throw new Invalid("expected '" + c + "' at index " + at);
        }
    }
}
