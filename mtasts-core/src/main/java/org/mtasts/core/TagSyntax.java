package org.mtasts.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Character classes shared by the two TXT record grammars (RFC 8461 §3.1 and RFC 8460 §3), which
 * have the same shape: {@code v=...} first, then {@code *WSP ";" *WSP}-separated {@code name=value}
 * fields, an optional trailing delimiter.
 */
final class TagSyntax {
    private TagSyntax() {}

    /** The longest extension name: {@code (ALPHA / DIGIT) *31(...)}. */
    static final int MAX_NAME = 32;

    static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }

    /** Returns the first index at or after {@code i} that is not WSP. */
    static int skipWsp(CharSequence s, int i) {
        int n = s.length();
        while (i < n && isWsp(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * Whether the text is a record of the kind: the exact, case-sensitive version, then {@code *WSP}
     * and {@code ;}.
     */
    static boolean startsWithVersion(CharSequence s, String version) {
        int n = version.length();
        if (s.length() < n || !startsWithPrefix(s, version)) {
            return false;
        }
        // RFC 8461 §3.1 and RFC 8460 §3: records that do not begin with "v=STSv1;" (or
        // "v=TLSRPTv1;") are discarded. SPEC: erratum 6285: the ABNF's field delimiter allows WSP
        // before the ';', so "v=STSv1 ;id=1" begins a record of the kind; "v=STSv10", a bare
        // "v=STSv1" and "v=STSv1 id=1" do not.
        int i = skipWsp(s, n);
        return i < s.length() && s.charAt(i) == ';';
    }

    /**
     * Whether the text starts with the version but not with the version, {@code *WSP} and {@code ;}:
     * it looks like a record of the kind but is discarded ({@code v=STSv1}, {@code v=STSv1 id=1};
     * not {@code v=STSv10}, which is another version).
     */
    static boolean isDiscardedLookalike(CharSequence s, String version) {
        int n = version.length();
        if (s.length() < n || !startsWithPrefix(s, version)) {
            return false;
        }
        return (s.length() == n || isWsp(s.charAt(n))) && !startsWithVersion(s, version);
    }

    private static boolean startsWithPrefix(CharSequence s, String version) {
        for (int i = 0; i < version.length(); i++) {
            if (s.charAt(i) != version.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns where the text stops being a record of the kind (for the NotApplicable position):
     * the first character that differs from the version, or where the {@code ;} after it is missing.
     */
    static int versionMismatchAt(CharSequence s, String version) {
        int n = Math.min(s.length(), version.length());
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) != version.charAt(i)) {
                return i;
            }
        }
        return n < version.length() ? n : skipWsp(s, n);
    }

    /**
     * Explains why a text that {@link #startsWithVersion} refused is not a record of the kind.
     *
     * @param what "an STS record" or "a TLSRPT record"
     */
    static String notOfTheKind(CharSequence s, String version, String what) {
        if (isDiscardedLookalike(s, version)) {
            return "not " + what + ": '" + version + "' is not followed by ';', and records that do not begin with '"
                    + version + ";' are discarded";
        }
        return "not " + what + ": it must start with '" + version + ";'";
    }

    static boolean isNameChar(char c) {
        return PolicyParser.isAlnum(c) || c == '_' || c == '-' || c == '.';
    }

    /** Returns the end of a run of name characters from {@code i}. */
    static int scanName(CharSequence s, int i) {
        int n = s.length();
        while (i < n && isNameChar(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** {@code ext-value = 1*(%x21-3A / %x3C / %x3E-7E)}: printable ASCII except '=', ';' and space. */
    static boolean isExtValueChar(char c) {
        return c >= 0x21 && c <= 0x7E && c != '=' && c != ';';
    }

    static int scanExtValue(CharSequence s, int i) {
        int n = s.length();
        while (i < n && isExtValueChar(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Whether a field's value may end here: the end, WSP or ';'. */
    static boolean isFieldEnd(CharSequence s, int i) {
        return i >= s.length() || isWsp(s.charAt(i)) || s.charAt(i) == ';';
    }

    /** Whether the character is outside printable US-ASCII and WSP. */
    static boolean isForeign(char c) {
        return c >= 0x7F || (c < 0x20 && c != '\t');
    }

    /**
     * The extensions and warnings of one record as it is parsed: the first field of a name counts, a
     * repeated one becomes a {@link ParseWarning#DUPLICATE_FIELD} warning.
     */
    static final class Fields {
        private final String rule;
        private @Nullable List<Extension> extensions;
        private @Nullable Set<String> names;
        private @Nullable List<ParseWarning> warnings;

        Fields(String rule) {
            this.rule = rule;
        }

        /** Adds the extension {@code text[p, nameEnd) = text[v, ve)} unless its name was seen. */
        void extension(CharSequence text, int p, int nameEnd, int v, int ve) {
            String name = text.subSequence(p, nameEnd).toString();
            if (names == null) {
                names = new HashSet<>();
            }
            if (!names.add(name)) {
                warnDuplicate(text, p, name);
                return;
            }
            if (extensions == null) {
                extensions = new ArrayList<>(2);
            }
            extensions.add(new Extension(name, text.subSequence(v, ve).toString()));
        }

        /** Records that the field {@code name} at {@code at} repeats an earlier one and was ignored. */
        void warnDuplicate(CharSequence text, int at, String name) {
            warn(ParseWarning.DUPLICATE_FIELD, text, at, "repeated '" + name + "' ignored: the first one counts");
        }

        /**
         * Records the WSP from {@code at} to the end of the text, after the last field and with no
         * {@code ;} before it: outside the ABNF, tolerated.
         */
        void warnTrailingWhitespace(CharSequence text, int at) {
            warn(ParseWarning.TRAILING_WHITESPACE, text, at, "whitespace after the last field without a ';' before it"
                    + " is outside the grammar; accepted");
        }

        void warn(String code, CharSequence text, int at, String detail) {
            if (warnings == null) {
                warnings = new ArrayList<>(1);
            }
            warnings.add(new ParseWarning(code, rule, 1, SyntaxError.columnOf(text, at), detail));
        }

        List<Extension> extensions() {
            return extensions == null ? List.of() : extensions;
        }

        List<ParseWarning> warnings() {
            return warnings == null ? List.of() : warnings;
        }
    }
}
