package org.mtasts.core;

import java.util.Objects;

/**
 * One {@code mx} value of a policy: an exact host name, or {@code *.} followed by a domain, which
 * matches any host with exactly one more label on the left (RFC 8461 §4.1).
 *
 * <p>Matching is case-insensitive on A-labels and ignores a trailing root dot, because both sides
 * are {@link DomainName}s. No regular expressions are involved, and {@link #matches(DomainName)}
 * allocates nothing.
 *
 * <pre>{@code
 * MxPattern p = MxPattern.of("*.mail.example.com");
 * p.matches(DomainName.of("mx1.mail.example.com"));    // true
 * p.matches(DomainName.of("a.b.mail.example.com"));    // false: one label only
 * p.matches(DomainName.of("mail.example.com"));        // false
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param wildcard whether the pattern starts with {@code *.}
 * @param domain the name after {@code *.}, or the whole name when not a wildcard
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-4.1">RFC 8461 §4.1</a>
 * @since 0.1
 */
public record MxPattern(boolean wildcard, DomainName domain) {

    /**
     * Validates the components.
     *
     * @param wildcard whether the pattern starts with {@code *.}
     * @param domain the name after {@code *.}, or the whole name when not a wildcard
     */
    public MxPattern {
        Objects.requireNonNull(domain, "domain");
    }

    /**
     * Parses a policy {@code mx} value by the grammar {@code ["*."] Domain} (RFC 8461 §3.2): A-labels
     * only, no trailing dot, a wildcard only as the whole leftmost label. Case is normalized.
     *
     * @param text the value after {@code mx:}
     * @return the pattern, or the error with its position (line 1)
     */
    public static ParseResult<MxPattern> parse(CharSequence text) {
        Objects.requireNonNull(text, "text");
        SyntaxError error = check(text, 0, text.length());
        if (error != null) {
            return new ParseResult.Invalid<>(error);
        }
        return new ParseResult.Valid<>(ofChecked(text, 0, text.length()));
    }

    /**
     * {@return the pattern for a policy {@code mx} value}
     *
     * @param text the value after {@code mx:}
     * @throws SyntaxErrorException if it breaks the grammar
     */
    public static MxPattern of(String text) {
        return parse(text).orElseThrow();
    }

    /** Returns the error in {@code text[from, to)} as a one-line error, or null if valid. */
    static @org.jspecify.annotations.Nullable SyntaxError check(CharSequence text, int from, int to) {
        if (from == to) {
            return SyntaxError.atColumn(SyntaxError.Kind.POLICY_MX, text, from, "empty mx value");
        }
        int start = from;
        if (text.charAt(from) == '*') {
            if (to - from < 2 || text.charAt(from + 1) != '.') {
                return SyntaxError.atColumn(SyntaxError.Kind.POLICY_MX, text, Math.min(from + 1, to),
                        "a wildcard must be the whole leftmost label, followed by '.'");
            }
            start = from + 2;
            if (start == to) {
                return SyntaxError.atColumn(SyntaxError.Kind.POLICY_MX, text, start,
                        "a wildcard must be followed by a domain");
            }
        }
        int bad = DomainName.invalidAt(text, start, to);
        if (bad >= 0) {
            String detail;
            if (bad >= to && text.charAt(to - 1) == '.') {
                bad = to - 1;
                detail = "a trailing dot is not allowed in an mx pattern";
            } else if (bad < to && text.charAt(bad) == '*') {
                detail = "a wildcard must be the whole leftmost label, followed by '.'";
            } else {
                detail = DomainName.problem(text, start, to);
            }
            return SyntaxError.atColumn(SyntaxError.Kind.POLICY_MX, text, bad, detail);
        }
        return null;
    }

    /** Builds a pattern from a range that {@link #check} accepted. */
    static MxPattern ofChecked(CharSequence text, int from, int to) {
        boolean wildcard = text.charAt(from) == '*';
        return new MxPattern(wildcard, DomainName.ofCheckedAscii(text, wildcard ? from + 2 : from, to));
    }

    /**
     * Returns whether the host matches: equal names, or for {@code *.d} a host whose labels after
     * the first one equal {@code d} (RFC 8461 §4.1).
     *
     * @param host the MX host name as found in DNS (not its CNAME target)
     * @return true if this pattern allows the host
     */
    public boolean matches(DomainName host) {
        return wildcard ? host.hasParent(domain) : host.equals(domain);
    }

    /**
     * Returns whether the host matches, after normalizing it; a host that is not a valid name (or
     * whose U-labels cannot be converted) never matches.
     *
     * @param host the MX host name
     * @return true if this pattern allows the host
     */
    public boolean matches(String host) {
        ParseResult<DomainName> parsed = DomainName.parse(host);
        return parsed instanceof ParseResult.Valid<DomainName> valid && matches(valid.value());
    }

    /** {@return the wire form: {@code *.example.com} or {@code mx.example.com}} */
    public String toText() {
        return wildcard ? "*." + domain : domain.toString();
    }

    /** Returns {@link #toText()}. */
    @Override
    public String toString() {
        return toText();
    }
}
