package org.mtasts.core;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Parses MTA-STS policy bodies (RFC 8461 §3.2).
 *
 * <p>{@link #strict()} follows the ABNF exactly:
 * <ul>
 *   <li>lines end in LF or CRLF, mixed freely; the last terminator is optional; a CR alone, a
 *       blank line (also a second terminator at the end), leading whitespace and a BOM are
 *       errors;</li>
 *   <li>field names are case-sensitive; whitespace may follow the {@code :} but not precede it;
 *       trailing whitespace on a line is allowed;</li>
 *   <li>{@code version: STSv1}; {@code mode} is {@code testing}, {@code enforce} or {@code none};
 *       {@code max_age} is 1 to 10 digits, clamped to 31557600 with a warning (erratum 7282);
 *       {@code mx} is {@code ["*."] Domain} in A-labels, at least one unless the mode is none;</li>
 *   <li>unknown fields are kept as {@link Extension}s (values may hold {@code :} and UTF-8);</li>
 *   <li>for a repeated non-mx field the first one counts, with a warning; every mx line counts;</li>
 *   <li>a control character other than a tab (NUL, ESC, DEL...) is an error at its position;</li>
 *   <li>bytes that are not UTF-8 are an error, never a crash.</li>
 * </ul>
 *
 * <p>{@link #lenient()} also accepts a BOM, leading whitespace and blank lines, each reported as a
 * {@link ParseWarning}: for a domain owner's checker, never for a sender's decision.
 *
 * <p>Error offsets count characters for text input and bytes for byte input (see {@link
 * SyntaxError}); lines and columns are the same for both.
 *
 * <pre>{@code
 * ParseResult<StsPolicy> strict = PolicyParser.strict().parse(body);
 * ParseResult<StsPolicy> lint = PolicyParser.lenient().parse(body);   // says what it skipped
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.2">RFC 8461 §3.2</a>
 * @since 0.1
 */
public final class PolicyParser {

    private static final PolicyParser STRICT = new PolicyParser(false);
    private static final PolicyParser LENIENT = new PolicyParser(true);

    /** The longest field name: {@code sts-policy-ext-name} is 1 + 31 characters. */
    static final int MAX_FIELD_NAME = 32;

    /** Up to this many mx patterns, duplicates are found by a linear scan. */
    private static final int LINEAR_MX = 16;

    private final boolean lenient;

    private PolicyParser(boolean lenient) {
        this.lenient = lenient;
    }

    /** {@return the parser that follows the ABNF exactly; the one senders use} */
    public static PolicyParser strict() {
        return STRICT;
    }

    /**
     * {@return a parser that also accepts a BOM, leading whitespace and blank lines, reporting each
     * as a warning}
     */
    public static PolicyParser lenient() {
        return LENIENT;
    }

    /** {@return whether this parser tolerates the deviations listed in {@link #lenient()}} */
    public boolean isLenient() {
        return lenient;
    }

    /**
     * Parses the exact bytes of a policy body, decoded as UTF-8 (US-ASCII is a subset).
     *
     * @param body the bytes served
     * @return the policy with its warnings, or the first error
     */
    public ParseResult<StsPolicy> parse(byte[] body) {
        Objects.requireNonNull(body, "body");
        return parse(body, 0, body.length);
    }

    /**
     * Parses {@code length} bytes of {@code body} from {@code offset}, decoded as UTF-8.
     *
     * @param body the buffer
     * @param offset where the policy starts
     * @param length how many bytes it has
     * @return the policy with its warnings, or the first error
     */
    public ParseResult<StsPolicy> parse(byte[] body, int offset, int length) {
        Objects.requireNonNull(body, "body");
        Objects.checkFromIndexSize(offset, length, body.length);
        // The JDK's UTF-8 decoding checks for ASCII with an intrinsic; a U+FFFD in the result means
        // either a malformed sequence or a real U+FFFD, and the strict decoder below tells which.
        String decoded = new String(body, offset, length, StandardCharsets.UTF_8);
        if (decoded.indexOf('\uFFFD') < 0) {
            ParseResult<StsPolicy> parsed = parse(decoded);
            if (parsed instanceof ParseResult.Invalid<StsPolicy> invalid && decoded.length() != length) {
                // SyntaxError: offsets count bytes for byte input; the text has non-ASCII characters.
                SyntaxError e = invalid.error();
                return new ParseResult.Invalid<>(new SyntaxError(e.kind(), utf8Length(decoded, e.offset()), e.line(),
                        e.column(), e.detail()));
            }
            return parsed;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body, offset, length);
        CharBuffer out = CharBuffer.allocate(length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int bad = in.position() - offset;
            out.flip();
            String before = out.toString();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < before.length(); i++) {
                if (before.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            int column = before.codePointCount(lineStart, before.length()) + 1;
            return new ParseResult.Invalid<>(new SyntaxError(SyntaxError.Kind.POLICY_ENCODING, bad,
                    line, column, String.format("byte 0x%02X at offset %d is not valid UTF-8",
                            body[offset + bad] & 0xFF, bad)));
        }
        out.flip();
        String text = out.toString();
        ParseResult<StsPolicy> parsed = parse(text);
        if (parsed instanceof ParseResult.Invalid<StsPolicy> invalid) {
            // SyntaxError: offsets count bytes for byte input; the text has non-ASCII characters.
            SyntaxError e = invalid.error();
            return new ParseResult.Invalid<>(new SyntaxError(e.kind(), utf8Length(text, e.offset()), e.line(),
                    e.column(), e.detail()));
        }
        return parsed;
    }

    /** Returns how many bytes the first {@code chars} characters of a well-formed text take in UTF-8. */
    private static int utf8Length(String text, int chars) {
        int bytes = 0;
        for (int i = 0; i < chars; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * Parses a policy body given as text.
     *
     * @param body the body
     * @return the policy with its warnings, or the first error
     */
    public ParseResult<StsPolicy> parse(CharSequence body) {
        Objects.requireNonNull(body, "body");
        return new Run(body.toString(), lenient).parse();
    }

    /** Checks an extension's name and value against the policy grammar; null when fine. */
    static @Nullable String extensionProblem(Extension e) {
        String name = e.name();
        int bad = nameInvalidAt(name, 0, name.length());
        if (bad >= 0) {
            return "invalid field name";
        }
        if (StsPolicy.KNOWN_FIELDS.contains(name)) {
            return "'" + name + "' is a defined field, not an extension";
        }
        String value = e.value();
        if (value.isEmpty()) {
            return "empty value";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7F || (c == ' ' && (i == 0 || i == value.length() - 1))) {
                return "value holds " + Texts.describe(c) + " at index " + i;
            }
        }
        return null;
    }

    /** Returns the index of the first bad character of a field name, or -1. */
    static int nameInvalidAt(CharSequence s, int from, int to) {
        if (from >= to || !isAlnum(s.charAt(from))) {
            return from;
        }
        if (to - from > MAX_FIELD_NAME) {
            return from + MAX_FIELD_NAME;
        }
        for (int i = from + 1; i < to; i++) {
            char c = s.charAt(i);
            if (!isAlnum(c) && c != '_' && c != '-' && c != '.') {
                return i;
            }
        }
        return -1;
    }

    static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }

    /** One parse: the state of a single pass over the text. */
    private static final class Run {
        private final String s;
        private final boolean lenient;
        private int line = 1;
        private int lineStart;
        private boolean seenVersion;
        private @Nullable PolicyMode mode;
        private long maxAge = -1;
        private final List<MxPattern> mx = new ArrayList<>(4);
        /** The patterns seen, once there are more than {@link #LINEAR_MX} (before: a linear scan). */
        private @Nullable Set<MxPattern> mxSeen;
        private @Nullable List<Extension> extensions;
        private @Nullable Set<String> extensionNames;
        private @Nullable List<ParseWarning> warnings;
        private @Nullable SyntaxError error;

        Run(String s, boolean lenient) {
            this.s = s;
            this.lenient = lenient;
        }

        ParseResult<StsPolicy> parse() {
            int n = s.length();
            if (n == 0) {
                return new ParseResult.Invalid<>(
                        new SyntaxError(SyntaxError.Kind.POLICY_EMPTY, 0, 1, 1, "the policy is empty"));
            }
            int pos = 0;
            if (s.charAt(0) == '\uFEFF') {
                // RFC 8461 §3.2: the ABNF has no room for a byte order mark.
                if (!lenient) {
                    return fail(SyntaxError.Kind.POLICY_BOM, 0, "the policy starts with a byte order mark");
                }
                warn(ParseWarning.BOM_SKIPPED, 0, "byte order mark skipped");
                pos = 1;
            }
            while (pos < n) {
                int eol = pos;
                char c = 0;
                int control = -1; // the line's first control character, found on the way to its end
                while (eol < n) {
                    c = s.charAt(eol);
                    if (c == '\n' || c == '\r') {
                        break;
                    }
                    if (((c < 0x20 && c != '\t') || c == 0x7F) && control < 0) {
                        control = eol;
                    }
                    eol++;
                }
                int next;
                if (eol == n) {
                    next = n;
                } else if (c == '\n') {
                    next = eol + 1;
                } else if (eol + 1 < n && s.charAt(eol + 1) == '\n') {
                    next = eol + 2; // RFC 8461 §3.2: sts-policy-term = LF / CRLF
                } else {
                    return fail(SyntaxError.Kind.POLICY_BARE_CR, eol,
                            "a carriage return must be followed by a line feed");
                }
                if (eol == pos) {
                    // RFC 8461 §3.2: no blank lines, and at most one terminator at the end.
                    if (!lenient) {
                        return fail(SyntaxError.Kind.POLICY_BLANK_LINE, pos, "blank line");
                    }
                    warn(ParseWarning.BLANK_LINE_SKIPPED, pos, "blank line skipped");
                } else if (!field(pos, eol, control)) {
                    return new ParseResult.Invalid<>(Objects.requireNonNull(error));
                }
                pos = next;
                if (next > eol) {
                    line++;
                    lineStart = next;
                }
            }
            return finish();
        }

        private ParseResult<StsPolicy> finish() {
            int end = s.length();
            if (!seenVersion) {
                return fail(SyntaxError.Kind.POLICY_MISSING_VERSION, end, "no 'version' field");
            }
            if (mode == null) {
                return fail(SyntaxError.Kind.POLICY_MISSING_MODE, end, "no 'mode' field");
            }
            if (maxAge < 0) {
                return fail(SyntaxError.Kind.POLICY_MISSING_MAX_AGE, end, "no 'max_age' field");
            }
            if (mx.isEmpty() && mode != PolicyMode.NONE) {
                return fail(SyntaxError.Kind.POLICY_MISSING_MX, end,
                        "no 'mx' field, and mode " + mode.token() + " needs at least one");
            }
            StsPolicy policy = new StsPolicy(mode, mx,
                    maxAge, extensions == null ? List.of() : extensions);
            return new ParseResult.Valid<>(policy, warnings == null ? List.of() : warnings);
        }

        /**
         * Parses one non-empty line {@code [from, eol)} whose first control character is at {@code
         * control} (-1 for none); false after recording an error.
         */
        private boolean field(int from, int eol, int control) {
            if (control >= 0) {
                // RFC 8461 §3.2: names, values and WSP leave no room for a control character.
                return error(SyntaxError.Kind.POLICY_CONTROL_CHARACTER, control,
                        "control character " + Texts.describe(s.charAt(control)) + " is not allowed");
            }
            if (isWsp(s.charAt(from))) {
                // RFC 8461 §3.2: a field starts at the beginning of its line.
                if (!lenient) {
                    return error(SyntaxError.Kind.POLICY_LEADING_WHITESPACE, from,
                            "the line starts with whitespace");
                }
                warn(ParseWarning.LEADING_WHITESPACE_SKIPPED, from, "leading whitespace skipped");
                while (from < eol && isWsp(s.charAt(from))) {
                    from++;
                }
                if (from == eol) {
                    warn(ParseWarning.BLANK_LINE_SKIPPED, from, "blank line skipped");
                    return true;
                }
            }
            int colon = from;
            while (colon < eol) {
                char c = s.charAt(colon);
                if (c == ':') {
                    break;
                }
                if (isWsp(c)) {
                    int after = colon;
                    while (after < eol && isWsp(s.charAt(after))) {
                        after++;
                    }
                    if (after < eol && s.charAt(after) == ':') {
                        // RFC 8461 §3.2: sts-policy-field-delim = ":" *WSP, no WSP before ':'
                        return error(SyntaxError.Kind.POLICY_KEY_SYNTAX, colon,
                                "whitespace before ':' is not allowed");
                    }
                    return error(SyntaxError.Kind.POLICY_MISSING_COLON, colon,
                            "expected ':' after the field name");
                }
                colon++;
            }
            if (colon == eol) {
                return error(SyntaxError.Kind.POLICY_MISSING_COLON, eol,
                        "expected ':' after the field name");
            }
            int bad = nameInvalidAt(s, from, colon);
            if (bad >= 0) {
                String detail = from == colon ? "empty field name"
                        : bad == from && !isAlnum(s.charAt(from))
                                ? "a field name starts with a letter or digit"
                                : bad == from + MAX_FIELD_NAME && colon - from > MAX_FIELD_NAME
                                        ? "field name longer than " + MAX_FIELD_NAME + " characters"
                                        : "character " + Texts.describe(s.charAt(bad))
                                                + " is not allowed in a field name";
                return error(SyntaxError.Kind.POLICY_KEY_SYNTAX, bad, detail);
            }
            int v = colon + 1;
            while (v < eol && isWsp(s.charAt(v))) {
                v++;
            }
            int ve = eol;
            while (ve > v && isWsp(s.charAt(ve - 1))) {
                ve--; // trailing WSP belongs to the record rule, not the value
            }
            int keyLength = colon - from;
            if (keyLength == 7 && s.startsWith("version", from)) {
                return version(v, ve);
            } else if (keyLength == 4 && s.startsWith("mode", from)) {
                return mode(v, ve);
            } else if (keyLength == 7 && s.startsWith("max_age", from)) {
                return maxAge(v, ve);
            } else if (keyLength == 2 && s.startsWith("mx", from)) {
                return mx(v, ve);
            }
            return extension(from, colon, v, ve);
        }

        private boolean version(int v, int ve) {
            if (seenVersion) {
                warn(ParseWarning.DUPLICATE_FIELD, v, "repeated 'version' ignored: the first one counts");
                return true;
            }
            // RFC 8461 §3.2: sts-policy-version = %s"version" ":" *WSP %s"STSv1"
            if (ve - v != 5 || !s.startsWith(StsPolicy.VERSION, v)) {
                return error(SyntaxError.Kind.POLICY_VERSION, v, "version must be exactly 'STSv1', found '"
                        + Texts.printable(s.substring(v, ve)) + "'");
            }
            seenVersion = true;
            return true;
        }

        private boolean mode(int v, int ve) {
            if (mode != null) {
                // RFC 8461 §3.2: a repeated non-mx field is ignored; the first one counts.
                warn(ParseWarning.DUPLICATE_FIELD, v, "repeated 'mode' ignored: the first one counts");
                return true;
            }
            PolicyMode found = PolicyMode.lookup(s, v, ve);
            if (found == null) {
                // RFC 8461 §3.2: %s"testing" / %s"enforce" / %s"none", case-sensitive
                return error(SyntaxError.Kind.POLICY_MODE, v, "mode must be 'enforce', 'testing' or 'none', found '"
                        + Texts.printable(s.substring(v, ve)) + "'");
            }
            mode = found;
            return true;
        }

        private boolean maxAge(int v, int ve) {
            if (maxAge >= 0) {
                warn(ParseWarning.DUPLICATE_FIELD, v, "repeated 'max_age' ignored: the first one counts");
                return true;
            }
            if (v == ve) {
                return error(SyntaxError.Kind.POLICY_MAX_AGE, v, "max_age has no value");
            }
            long value = 0;
            for (int i = v; i < ve; i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return error(SyntaxError.Kind.POLICY_MAX_AGE, i,
                            "max_age must be 1 to 10 digits, found " + Texts.describe(c));
                }
                if (i - v == 10) {
                    // RFC 8461 §3.2: sts-policy-max-age-value = 1*10(DIGIT)
                    return error(SyntaxError.Kind.POLICY_MAX_AGE, i, "max_age has more than 10 digits");
                }
                value = value * 10 + (c - '0');
            }
            if (value > StsPolicy.MAX_AGE_LIMIT) {
                // RFC 8461 §3.2 caps max_age at 31557600; erratum 7282: accept and clamp.
                warn(ParseWarning.MAX_AGE_CLAMPED, v, "max_age " + value + " is above "
                        + StsPolicy.MAX_AGE_LIMIT + " and was clamped to it (erratum 7282)");
                value = StsPolicy.MAX_AGE_LIMIT;
            }
            maxAge = value;
            return true;
        }

        private boolean mx(int v, int ve) {
            SyntaxError problem = MxPattern.check(s, v, ve);
            if (problem != null) {
                return error(SyntaxError.Kind.POLICY_MX, problem.offset(), problem.detail());
            }
            MxPattern pattern = MxPattern.ofChecked(s, v, ve);
            if (isDuplicate(pattern)) {
                warn(ParseWarning.DUPLICATE_MX, v, "mx " + pattern + " is listed twice");
            }
            mx.add(pattern);
            return true;
        }

        /**
         * Whether the pattern was listed before: a linear scan while there are few (policies list a
         * handful, and a hash set costs more than the whole scan), a hash set beyond that.
         */
        private boolean isDuplicate(MxPattern pattern) {
            Set<MxPattern> seen = mxSeen;
            if (seen == null) {
                if (mx.size() < LINEAR_MX) {
                    return mx.contains(pattern);
                }
                seen = mxSeen = new HashSet<>(mx);
            }
            return !seen.add(pattern);
        }

        private boolean extension(int from, int colon, int v, int ve) {
            // RFC 8461 §3.2: sts-policy-ext-value = sts-policy-vchar [*(%x20 / sts-policy-vchar) sts-policy-vchar]
            if (v == ve) {
                return error(SyntaxError.Kind.POLICY_VALUE_SYNTAX, v, "extension '"
                        + s.substring(from, colon) + "' has no value");
            }
            for (int i = v; i < ve; i++) {
                if (s.charAt(i) == '\t') {
                    return error(SyntaxError.Kind.POLICY_VALUE_SYNTAX, i, "a tab inside a value is not allowed");
                }
            }
            String name = s.substring(from, colon);
            if (extensionNames == null) {
                extensionNames = new HashSet<>();
                extensions = new ArrayList<>(2);
            }
            if (!extensionNames.add(name)) {
                warn(ParseWarning.DUPLICATE_FIELD, from, "repeated '" + name + "' ignored: the first one counts");
                return true;
            }
            Objects.requireNonNull(extensions).add(new Extension(name, s.substring(v, ve)));
            return true;
        }

        private int column(int offset) {
            return s.codePointCount(lineStart, Math.min(offset, s.length())) + 1;
        }

        private boolean error(SyntaxError.Kind kind, int offset, String detail) {
            error = new SyntaxError(kind, offset, line, column(offset), detail);
            return false;
        }

        private ParseResult<StsPolicy> fail(SyntaxError.Kind kind, int offset, String detail) {
            error(kind, offset, detail);
            return new ParseResult.Invalid<>(Objects.requireNonNull(error));
        }

        private void warn(String code, int offset, String detail) {
            List<ParseWarning> list = warnings;
            if (list == null) {
                list = warnings = new ArrayList<>(2);
            }
            list.add(new ParseWarning(code, "RFC 8461 §3.2", line, column(offset), detail));
        }
    }
}
