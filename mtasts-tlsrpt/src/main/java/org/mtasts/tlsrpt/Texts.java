package org.mtasts.tlsrpt;

import org.mtasts.core.SafeText;

/**
 * The module's bounds for {@link SafeText}, whose one rule every message follows: nothing read
 * from the network reaches a message unescaped.
 */
final class Texts {
    /** The longest excerpt of a received value quoted in a message. */
    static final int MAX_QUOTED = 120;

    private Texts() {}

    /** Returns {@link SafeText#quote(CharSequence, int)} of the text, cut to {@link #MAX_QUOTED}. */
    static String quote(CharSequence text) {
        return SafeText.quote(text, MAX_QUOTED);
    }

    /** Returns {@link SafeText#escape(CharSequence, int)} of the text, without quotes. */
    static String printable(CharSequence text, int max) {
        return SafeText.escape(text, max);
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

    /** Appends {@code .name} or {@code ['name']} (quoted by {@link SafeText#quote}) to a JSON path. */
    static StringBuilder appendMember(StringBuilder path, String name) {
        if (isSimpleName(name)) {
            return path.append('.').append(name);
        }
        return path.append('[').append(SafeText.quote(name, MAX_QUOTED)).append(']');
    }
}
