package org.mtasts.cli;

/** Shows a line of input with a caret under a column, for people. */
final class Caret {
    private Caret() {}

    /**
     * Returns two lines: the text (control characters shown as {@code ·}) and a caret under the
     * 1-based column.
     */
    static String under(String line, int column) {
        StringBuilder shown = new StringBuilder(line.length());
        line.codePoints().forEach(cp -> shown.appendCodePoint(cp < 0x20 || cp == 0x7F ? '\u00b7' : cp));
        return "  " + shown + "\n  " + " ".repeat(Math.max(0, column - 1)) + "^";
    }

    /** Returns line {@code number} (1-based) of a text, without its terminator, or empty. */
    static String line(String text, int number) {
        String[] lines = text.split("\r\n|\n", -1);
        return number >= 1 && number <= lines.length ? lines[number - 1] : "";
    }
}
