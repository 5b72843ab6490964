package org.mtasts.tlsrpt;

/**
 * The position of the reader in the report as a JSON path such as {@code
 * $.policies[0].failure-details[2].receiving-ip}. Pushing and popping store references only; the
 * text is built when a warning or error needs it.
 */
final class JsonPath {
    private static final int MAX_DEPTH = 16;

    private final String[] names = new String[MAX_DEPTH];
    private final int[] indexes = new int[MAX_DEPTH];
    private int depth;

    /** Enters an object member. */
    void push(String name) {
        names[depth] = name;
        indexes[depth] = -1;
        depth++;
    }

    /** Enters an array element. */
    void push(int index) {
        names[depth] = null;
        indexes[depth] = index;
        depth++;
    }

    /** Leaves the innermost member or element. */
    void pop() {
        depth--;
    }

    /** Returns whether the innermost step is the member {@code name}. */
    boolean isAt(String name) {
        return depth > 0 && name.equals(names[depth - 1]);
    }

    /** Returns the path, starting with {@code $}. */
    @Override
    public String toString() {
        return build().toString();
    }

    /** Returns the path of a member of the current position. */
    String member(String name) {
        return Texts.appendMember(build(), name).toString();
    }

    /** Returns the path of an element of the current position. */
    String element(int index) {
        return build().append('[').append(index).append(']').toString();
    }

    private StringBuilder build() {
        StringBuilder out = new StringBuilder(64).append('$');
        for (int i = 0; i < depth; i++) {
            String name = names[i];
            if (name == null) {
                out.append('[').append(indexes[i]).append(']');
            } else {
                Texts.appendMember(out, name);
            }
        }
        return out;
    }
}
