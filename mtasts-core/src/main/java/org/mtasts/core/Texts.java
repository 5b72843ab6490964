package org.mtasts.core;

/** Small helpers for error messages: nothing from the network reaches a message unescaped. */
final class Texts {
    private Texts() {}

    /** Describes one code point for an error message: {@code 'a'} or {@code U+00FF}. */
    static String describe(int codePoint) {
        if (codePoint >= 0x21 && codePoint <= 0x7E) {
            return "'" + (char) codePoint + "'";
        }
        if (codePoint == ' ') {
            return "space";
        }
        if (codePoint == '\t') {
            return "tab";
        }
        return String.format("U+%04X", codePoint);
    }

    /**
     * Returns the text with control characters, and anything outside printable ASCII, escaped as
     * {@code \\uXXXX}, cut to 200 characters: safe to put in a log line (no log injection).
     */
    static String printable(CharSequence text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 200) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= 200) {
                out.append("...");
                break;
            }
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '\\') {
                out.append(c);
            } else if (c == '\\') {
                out.append("\\\\");
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}
