package org.mtasts.reliability;

/**
 * The log-injection rule for every message built from network input: no raw control character
 * (C0, DEL, C1), no line or paragraph separator, no invisible format character (bidi overrides and
 * the like) and no unpaired surrogate. Library constants such as {@code §} are fine; whatever came
 * from the network must have been escaped.
 */
public final class Messages {
    private Messages() {}

    /** Returns the index of the first forbidden character, or -1. */
    public static int unsafeAt(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            switch (Character.getType(c)) {
                case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                        Character.SURROGATE -> {
                    return i;
                }
                default -> {
                }
            }
        }
        return -1;
    }

    /**
     * Throws if the message holds a forbidden character.
     *
     * @param where what the message is, for the failure
     * @param message the message
     */
    public static void requireSafe(String where, CharSequence message) {
        int at = unsafeAt(message);
        if (at >= 0) {
            throw new AssertionError(where + " echoes raw U+" + String.format("%04X", (int) message.charAt(at))
                    + " at index " + at + ": " + escapeForFailure(message));
        }
    }

    /** Escapes a message for an assertion failure. */
    public static String escapeForFailure(CharSequence text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && i < 400; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }
}
