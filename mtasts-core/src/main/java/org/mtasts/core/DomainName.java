package org.mtasts.core;

import java.net.IDN;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A normalized DNS host or domain name: lower-case A-labels, no trailing dot, checked against the
 * RFC 5321 {@code Domain} grammar (letters, digits and hyphens; labels of 1 to 63 characters that
 * neither start nor end with a hyphen; at most 253 characters).
 *
 * <p>{@link #of(String)} accepts upper case, one trailing root dot and U-labels (converted with
 * {@link IDN#toASCII(String, int)}), so that {@code MX1.Example.COM.} and {@code mx1.example.com}
 * are equal (RFC 8461 §4.1). Policy {@code mx} values are stricter: see {@link MxPattern#parse}.
 *
 * <pre>{@code
 * DomainName mx = DomainName.of("MX1.Bücher.example.");
 * mx.toString();        // "mx1.xn--bcher-kva.example"
 * mx.policyHost();      // "mta-sts.mx1.xn--bcher-kva.example"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc5321#section-4.1.2">RFC 5321 §4.1.2</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-4.1">RFC 8461 §4.1</a>
 * @since 0.1
 */
public final class DomainName implements Comparable<DomainName> {

    /** The longest name in text form without the root dot (RFC 1035 §2.3.4: 255 octets on the wire). */
    public static final int MAX_LENGTH = 253;

    /** The longest label (RFC 1035 §2.3.4). */
    public static final int MAX_LABEL_LENGTH = 63;

    private final String name;
    private final int firstDot;
    /**
     * {@code _mta-sts.<name>}, computed on first use. Racy but idempotent, like {@link
     * String#hashCode()}: every thread computes an equal string, so a lost write costs only a
     * second computation, and the resolver's hot path then allocates nothing.
     */
    private @Nullable String stsRecordName;

    private DomainName(String name) {
        this.name = name;
        this.firstDot = name.indexOf('.');
    }

    /**
     * {@return the normalized name}
     *
     * @param name a host or domain name: A-labels or U-labels, any case, optional trailing dot
     * @throws IllegalArgumentException naming the input and the problem if it is not a valid name
     */
    public static DomainName of(String name) {
        Objects.requireNonNull(name, "name");
        ParseResult<DomainName> result = parse(name);
        if (result instanceof ParseResult.Valid<DomainName> valid) {
            return valid.value();
        }
        SyntaxError error = result.syntaxError().orElseThrow();
        throw new IllegalArgumentException(
                "invalid domain name '" + Texts.printable(name) + "': " + error);
    }

    /**
     * Parses a host or domain name without throwing.
     *
     * @param text a host or domain name: A-labels or U-labels, any case, optional trailing dot
     * @return the name, or the error with its position
     */
    public static ParseResult<DomainName> parse(CharSequence text) {
        Objects.requireNonNull(text, "text");
        int end = text.length();
        if (end > 1 && isLabelSeparator(text.charAt(end - 1))) {
            end--; // RFC 8461 §4.1: a trailing root dot is ignored
        }
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) >= 0x80) {
                return parseUnicode(text, end);
            }
        }
        int bad = invalidAt(text, 0, end);
        if (bad >= 0) {
            return new ParseResult.Invalid<>(SyntaxError.atColumn(
                    SyntaxError.Kind.DOMAIN_SYNTAX, text, bad, problem(text, 0, end)));
        }
        return new ParseResult.Valid<>(new DomainName(lowerAscii(text, 0, end)));
    }

    /**
     * Converts a name with U-labels label by label, so that an error points at the label (or the
     * ASCII character) at fault.
     */
    private static ParseResult<DomainName> parseUnicode(CharSequence text, int end) {
        StringBuilder out = new StringBuilder(end + 16);
        int labelStart = 0;
        for (int i = 0; i <= end; i++) {
            if (i < end && !isLabelSeparator(text.charAt(i))) {
                continue;
            }
            if (i == labelStart) {
                return invalid(text, i, "empty label");
            }
            boolean asciiLabel = true;
            for (int j = labelStart; j < i; j++) {
                char c = text.charAt(j);
                if (c < 0x80) {
                    if (!isLdh(c)) {
                        return invalid(text, j, "character " + Texts.describe(c)
                                + " is not a letter, digit, hyphen or dot");
                    }
                } else {
                    asciiLabel = false;
                }
            }
            String label;
            if (asciiLabel) {
                int bad = invalidAt(text, labelStart, i);
                if (bad >= 0) {
                    return invalid(text, bad, problem(text, labelStart, i));
                }
                label = lowerAscii(text, labelStart, i);
            } else {
                if (text.charAt(labelStart) == '-' || text.charAt(i - 1) == '-') {
                    return invalid(text, text.charAt(labelStart) == '-' ? labelStart : i - 1,
                            "label starts or ends with a hyphen");
                }
                try {
                    // RFC 8461 §4.1: a U-label host is converted to A-labels before matching.
                    label = IDN.toASCII(text.subSequence(labelStart, i).toString(), IDN.USE_STD3_ASCII_RULES)
                            .toLowerCase(Locale.ROOT);
                } catch (IllegalArgumentException e) {
                    String reason = String.valueOf(e.getMessage());
                    if (reason.startsWith("java.text.ParseException: ")) {
                        reason = reason.substring("java.text.ParseException: ".length());
                    }
                    return invalid(text, labelStart, "label cannot be converted to an A-label: "
                            + Texts.printable(reason));
                }
                if (label.indexOf('.') >= 0 || invalidAt(label, 0, label.length()) >= 0) {
                    return invalid(text, labelStart, "label converts to '" + Texts.printable(label)
                            + "', which " + problem(label, 0, label.length()));
                }
            }
            if (out.length() > 0) {
                out.append('.');
            }
            out.append(label);
            if (out.length() > MAX_LENGTH) {
                return invalid(text, labelStart,
                        "name longer than " + MAX_LENGTH + " characters after conversion to A-labels");
            }
            labelStart = i + 1;
        }
        return new ParseResult.Valid<>(new DomainName(out.toString()));
    }

    private static ParseResult<DomainName> invalid(CharSequence text, int offset, String detail) {
        return new ParseResult.Invalid<>(SyntaxError.atColumn(SyntaxError.Kind.DOMAIN_SYNTAX, text, offset, detail));
    }

    /** The four label separators of IDNA (RFC 3490 §3.1): full stop and its ideographic and full-width forms. */
    private static boolean isLabelSeparator(char c) {
        return c == '.' || c == '\u3002' || c == '\uFF0E' || c == '\uFF61';
    }

    private static boolean isLdh(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    }

    /**
     * Returns whether {@link #parse(CharSequence)} would accept the text, by the same rules. An
     * ASCII name is checked in place, allocating nothing unless a label starts with {@code xn--}
     * (its Punycode is decoded); a name with U-labels is converted as {@code parse} converts it.
     * Readers that check many received names, such as the TLS report reader, use this door.
     *
     * @param text the candidate
     * @return true if valid
     */
    public static boolean isValid(CharSequence text) {
        Objects.requireNonNull(text, "text");
        int end = text.length();
        if (end > 1 && isLabelSeparator(text.charAt(end - 1))) {
            end--; // as in parse: one trailing root dot is ignored
        }
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) >= 0x80) {
                return parseUnicode(text, end).isValid();
            }
        }
        return invalidAt(text, 0, end) < 0;
    }

    /** Builds a name from an already checked ASCII range, lower-casing it. */
    static DomainName ofCheckedAscii(CharSequence text, int from, int to) {
        return new DomainName(lowerAscii(text, from, to));
    }

    /** Builds a name from an already checked, already lower-case ASCII string. */
    static DomainName ofCheckedLowerAscii(String text) {
        return new DomainName(text);
    }

    private static String lowerAscii(CharSequence text, int from, int to) {
        boolean lower = true;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                lower = false;
                break;
            }
        }
        if (lower && text instanceof String s) {
            return from == 0 && to == s.length() ? s : s.substring(from, to);
        }
        char[] out = new char[to - from];
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            out[i - from] = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        }
        return new String(out);
    }

    /**
     * Returns the index of the first character that makes {@code text[from, to)} an invalid
     * RFC 5321 Domain in ASCII, or -1 when it is valid.
     */
    static int invalidAt(CharSequence text, int from, int to) {
        if (from >= to) {
            return from;
        }
        if (to - from > MAX_LENGTH) {
            return from + MAX_LENGTH;
        }
        int labelStart = from;
        for (int i = from; i <= to; i++) {
            char c = i < to ? text.charAt(i) : '.';
            if (c == '.') {
                int length = i - labelStart;
                if (length == 0 || length > MAX_LABEL_LENGTH) {
                    return length == 0 ? i : labelStart + MAX_LABEL_LENGTH;
                }
                if (text.charAt(i - 1) == '-') {
                    return i - 1;
                }
                if (length >= 4 && isAcePrefix(text, labelStart) && !isValidALabel(text, labelStart, i)) {
                    return labelStart;
                }
                labelStart = i + 1;
            } else if (c == '-') {
                if (i == labelStart) {
                    return i;
                }
            } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return i;
            }
        }
        return -1;
    }

    /** Explains why {@link #invalidAt} found a problem (error path only). */
    static String problem(CharSequence text, int from, int to) {
        int at = invalidAt(text, from, to);
        if (at < 0) {
            return "is valid";
        }
        if (from >= to) {
            return "empty domain name";
        }
        if (to - from > MAX_LENGTH) {
            return "name longer than " + MAX_LENGTH + " characters";
        }
        char c = at < to ? text.charAt(at) : '.';
        if (c == '.') {
            return "empty label";
        }
        if (c == '-') {
            return "label starts or ends with a hyphen";
        }
        // Either a bad character, an over-long label or a bad ACE label starting here.
        int labelEnd = at;
        while (labelEnd < to && text.charAt(labelEnd) != '.') {
            labelEnd++;
        }
        int labelStart = at;
        while (labelStart > from && text.charAt(labelStart - 1) != '.') {
            labelStart--;
        }
        if (labelEnd - labelStart > MAX_LABEL_LENGTH) {
            return "label longer than " + MAX_LABEL_LENGTH + " characters";
        }
        if (at == labelStart && labelEnd - labelStart >= 4 && isAcePrefix(text, labelStart)
                && !isValidALabel(text, labelStart, labelEnd)) {
            return "'" + text.subSequence(labelStart, labelEnd) + "' is not a valid A-label";
        }
        if (c >= 0x80) {
            return "non-ASCII character " + Texts.describe(Character.codePointAt(text, at))
                    + " (use A-labels)";
        }
        return "character " + Texts.describe(c) + " is not a letter, digit, hyphen or dot";
    }

    private static boolean isAcePrefix(CharSequence text, int i) {
        return (text.charAt(i) | 0x20) == 'x' && (text.charAt(i + 1) | 0x20) == 'n'
                && text.charAt(i + 2) == '-' && text.charAt(i + 3) == '-';
    }

    /** An ACE label must decode as Punycode (IDNA2003 {@code ToUnicode} gives it back unchanged if not). */
    private static boolean isValidALabel(CharSequence text, int from, int to) {
        String label = text.subSequence(from, to).toString();
        if (label.length() == 4) {
            return false;
        }
        String unicode = IDN.toUnicode(label, IDN.USE_STD3_ASCII_RULES);
        return !unicode.equalsIgnoreCase(label);
    }

    /** Returns the name: lower-case A-labels, no trailing dot. */
    @Override
    public String toString() {
        return name;
    }

    /** {@return the name: lower-case A-labels, no trailing dot} */
    public String ascii() {
        return name;
    }

    /** {@return the name with A-labels converted to U-labels, for display} */
    public String unicode() {
        return IDN.toUnicode(name, IDN.USE_STD3_ASCII_RULES);
    }

    /** {@return the number of labels} */
    public int labelCount() {
        int count = 1;
        for (int i = firstDot; i >= 0; i = name.indexOf('.', i + 1)) {
            count++;
        }
        return count;
    }

    /** {@return the leftmost label} */
    public String firstLabel() {
        return firstDot < 0 ? name : name.substring(0, firstDot);
    }

    /** {@return the name without its leftmost label, or null for a single-label name} */
    public @Nullable DomainName parent() {
        return firstDot < 0 ? null : new DomainName(name.substring(firstDot + 1));
    }

    /**
     * Returns whether this name is a proper subdomain of {@code other} (at any depth).
     *
     * @param other the candidate parent
     * @return true if this name ends with {@code "." + other}
     */
    public boolean isSubdomainOf(DomainName other) {
        int n = name.length();
        int m = other.name.length();
        return n > m + 1 && name.charAt(n - m - 1) == '.' && name.endsWith(other.name);
    }

    /** {@return {@code mta-sts.<name>}, the policy host (RFC 8461 §3.2)} */
    public String policyHost() {
        return "mta-sts." + name;
    }

    /**
     * {@return {@code _mta-sts.<name>}, where the STS TXT record lives (RFC 8461 §3.1)} The string is
     * computed once per instance, so repeated calls allocate nothing.
     */
    public String stsRecordName() {
        String cached = stsRecordName;
        if (cached == null) {
            cached = "_mta-sts." + name;
            stsRecordName = cached; // racy single-check: idempotent, like String.hash
        }
        return cached;
    }

    /** {@return {@code _smtp._tls.<name>}, where the TLSRPT TXT record lives (RFC 8460 §3)} */
    public String tlsRptRecordName() {
        return "_smtp._tls." + name;
    }

    /**
     * Returns whether the part of this name after its first label equals {@code suffix}: the
     * one-label wildcard test of RFC 8461 §4.1. Allocation-free.
     */
    boolean hasParent(DomainName suffix) {
        int start = firstDot + 1;
        return firstDot > 0
                && name.length() - start == suffix.name.length()
                && name.regionMatches(start, suffix.name, 0, suffix.name.length());
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o == this || (o instanceof DomainName other && name.equals(other.name));
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    /** Orders names by their text (not by DNS hierarchy). */
    @Override
    public int compareTo(DomainName other) {
        return name.compareTo(other.name);
    }
}
