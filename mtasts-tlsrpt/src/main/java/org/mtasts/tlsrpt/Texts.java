package org.mtasts.tlsrpt;

/** Helpers for messages: nothing read from the network reaches a message unescaped. */
final class Texts {
    /** The longest excerpt of a received value quoted in a message. */
    static final int MAX_QUOTED = 120;

    private Texts() {}

    /**
     * Returns the text in single quotes with control characters, backslashes and anything outside
     * printable ASCII escaped as {@code \\uXXXX}, cut to {@link #MAX_QUOTED} characters: safe for a
     * log line (no log injection, no terminal escapes).
     */
    static String quote(CharSequence text) {
        return "'" + printable(text, MAX_QUOTED) + "'";
    }

    /** Returns the text escaped as in {@link #quote}, cut to {@code max} characters, without quotes. */
    static String printable(CharSequence text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= max) {
                out.append("...");
                break;
            }
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '\\' && c != '\'') {
                out.append(c);
            } else if (c == '\\') {
                out.append("\\\\");
            } else if (c == '\'') {
                out.append("\\'");
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    /** Returns whether a JSON member name can be written as {@code .name} in a path. */
    static boolean isSimpleName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Appends {@code .name} or {@code ['name']} to a JSON path. */
    static StringBuilder appendMember(StringBuilder path, String name) {
        if (isSimpleName(name)) {
            return path.append('.').append(name);
        }
        return path.append("['").append(printable(name, MAX_QUOTED)).append("']");
    }
}
