package org.mtasts.http;

import org.jspecify.annotations.Nullable;
import org.mtasts.core.SafeText;

/**
 * Makes text from the network safe for messages and logs: control characters and everything
 * outside printable ASCII are escaped as {@code \\uXXXX}, and the result is cut to a bounded
 * length, so that no header, exception message or policy byte can inject lines into a log.
 * Escaping is idempotent (a backslash is printable and kept), so text escaped twice reads the same.
 */
final class Printable {
    /** The longest escaped text put in a message. */
    static final int MAX_LENGTH = 200;

    private Printable() {}

    /**
     * Returns the text escaped and cut to {@link #MAX_LENGTH} characters.
     *
     * @param text the text, or null
     * @return the escaped text; {@code "null"} for null
     */
    static String of(@Nullable CharSequence text) {
        return SafeText.escape(text, MAX_LENGTH);
    }

    /**
     * Describes an exception for a message: its simple class name and escaped message, and the
     * same for its root cause when that differs.
     *
     * @param t the exception
     * @return a one-line description without control characters
     */
    static String describe(Throwable t) {
        Throwable root = t;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 20; depth++) {
            root = root.getCause();
        }
        String own = one(t);
        return root == t ? own : own + " (caused by " + one(root) + ")";
    }

    private static String one(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + of(message));
    }
}
