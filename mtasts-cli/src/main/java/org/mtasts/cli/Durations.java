package org.mtasts.cli;

/** Human-readable durations for messages. */
final class Durations {
    private Durations() {}

    static String human(long seconds) {
        if (seconds >= 86_400 && seconds % 86_400 == 0) {
            long days = seconds / 86_400;
            return days + (days == 1 ? " day" : " days");
        }
        if (seconds >= 86_400) {
            return String.format("%.1f days", seconds / 86_400.0);
        }
        if (seconds >= 3_600) {
            return String.format("%.1f hours", seconds / 3_600.0);
        }
        if (seconds >= 60) {
            return String.format("%.1f minutes", seconds / 60.0);
        }
        return seconds + " seconds";
    }
}
