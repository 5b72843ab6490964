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

    /** Returns {@link SafeText#escape(CharSequence)} of the text. */
    static String printable(CharSequence text) {
        return SafeText.escape(text);
    }
}
