package org.mtasts.core;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The MTA-STS TXT record published at {@code _mta-sts.<domain>} (RFC 8461 §3.1), such as {@code
 * v=STSv1; id=20160831085700Z;}.
 *
 * <p>{@link #parse(CharSequence)} follows the ABNF: {@code v=STSv1} first and case-sensitive;
 * {@code id} of 1 to 32 letters and digits; extensions by their ABNF, kept; WSP around {@code ;};
 * an optional trailing {@code ;}; {@code ;;} invalid; for a repeated field the first one counts,
 * and the result carries a {@link ParseWarning#DUPLICATE_FIELD} warning. One deviation is
 * tolerated: WSP at the end without a {@code ;} before it ({@code v=STSv1; id=1 }) is accepted
 * with a {@link ParseWarning#TRAILING_WHITESPACE} warning, because rejecting it would leave the
 * domain without a policy for an invisible slip that other implementations accept. A text that
 * does not begin with {@code v=STSv1;} (WSP allowed before the {@code ;}, erratum 6285) is {@link
 * ParseResult.NotApplicable}, as RFC 8461 §3.1 discards it: so {@code v=STSv10}, a bare {@code
 * v=STSv1} and {@code v=STSv1 id=1} are not STS records, and {@code v=STSv1 ;id=1} is one. Give it
 * the TXT record's strings joined with no separator (RFC 8461 §3.1); to pick the record among
 * several TXT answers use {@link RecordSelection#sts}.
 *
 * <pre>{@code
 * StsRecord record = StsRecord.parse("v=STSv1; id=20160831085700Z;").orElseThrow();
 * record.id();                                    // "20160831085700Z"
 * StsRecord next = StsRecord.generate(Clock.systemUTC());
 * String txt = next.toText();                     // "v=STSv1; id=20261128T221427123Z"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the policy instance id: 1 to 32 ASCII letters and digits, compared only for equality
 * @param extensions unknown fields in published order, names unique
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.1">RFC 8461 §3.1</a>
 * @since 0.1
 */
public record StsRecord(String id, List<Extension> extensions) {

    /** The version field value (RFC 8461 §3.1). */
    public static final String VERSION = "STSv1";

    /** The longest id (RFC 8461 §3.1: {@code 1*32(ALPHA / DIGIT)}). */
    public static final int MAX_ID_LENGTH = 32;

    private static final String PREFIX = "v=STSv1";

    private static final DateTimeFormatter ID_FORMAT =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    /** The instants {@link #newId} can write with four year digits: years 0000 to 9999. */
    private static final Instant FIRST_ID_INSTANT = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LAST_ID_INSTANT = Instant.parse("9999-12-31T23:59:59.999999999Z");

    /**
     * Validates and copies the components.
     *
     * @param id the policy instance id: 1 to 32 ASCII letters and digits, compared only for equality
     * @param extensions unknown fields in published order, names unique
     */
    public StsRecord {
        Objects.requireNonNull(id, "id");
        extensions = List.copyOf(extensions);
        if (!isValidId(id)) {
            throw new IllegalArgumentException("id '" + Texts.printable(id)
                    + "' is not 1 to 32 letters and digits (RFC 8461 §3.1)");
        }
        checkExtensions(extensions, "id", "RFC 8461 §3.1");
    }

    /**
     * Returns a record with this id and no extensions.
     *
     * @param id 1 to 32 ASCII letters and digits
     * @return the record
     * @throws IllegalArgumentException if the id is not valid
     */
    public static StsRecord of(String id) {
        return new StsRecord(id, List.of());
    }

    /**
     * Returns a record with a fresh id: the clock's UTC instant as {@code yyyyMMddTHHmmssSSSZ}
     * (19 letters and digits). Publish a new id each time the policy changes (RFC 8461 §3.1).
     *
     * @param clock the clock
     * @return a record with a new id
     * @throws IllegalArgumentException if the clock's instant is outside the years 0000 to 9999
     */
    public static StsRecord generate(Clock clock) {
        return of(newId(clock));
    }

    /**
     * Returns a fresh id: the clock's UTC instant as {@code yyyyMMddTHHmmssSSSZ}.
     *
     * @param clock the clock
     * @return an id such as {@code 20261128T221427123Z}
     * @throws IllegalArgumentException if the clock's instant is outside the years 0000 to 9999
     */
    public static String newId(Clock clock) {
        Instant now = clock.instant();
        if (now.isBefore(FIRST_ID_INSTANT) || now.isAfter(LAST_ID_INSTANT)) {
            // RFC 8461 §3.1: the id is at most 32 letters and digits, so no sign and no long year.
            throw new IllegalArgumentException("the clock's instant " + now
                    + " is outside the years 0000 to 9999 that an id can hold");
        }
        return ID_FORMAT.format(now);
    }

    /**
     * Returns a copy with another id, keeping the extensions.
     *
     * @param newId the new policy instance id: 1 to 32 ASCII letters and digits
     * @return the copy
     */
    public StsRecord withId(String newId) {
        return new StsRecord(newId, extensions);
    }

    /**
     * Returns whether the id is 1 to 32 ASCII letters and digits.
     *
     * @param id the candidate
     * @return true if valid
     */
    public static boolean isValidId(CharSequence id) {
        int n = id.length();
        if (n == 0 || n > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!PolicyParser.isAlnum(id.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static void checkExtensions(List<Extension> extensions, String reserved, String rule) {
        if (extensions.isEmpty()) {
            return;
        }
        Set<String> names = new HashSet<>();
        for (Extension e : extensions) {
            String name = e.name();
            int nameEnd = TagSyntax.scanName(name, 0);
            if (name.isEmpty() || !PolicyParser.isAlnum(name.charAt(0)) || nameEnd != name.length()
                    || name.length() > TagSyntax.MAX_NAME) {
                throw new IllegalArgumentException("extension name '" + Texts.printable(name)
                        + "' breaks the ext-name grammar (" + rule + ")");
            }
            if (name.equals(reserved)) {
                throw new IllegalArgumentException("'" + name + "' is a defined field, not an extension");
            }
            String value = e.value();
            if (value.isEmpty() || TagSyntax.scanExtValue(value, 0) != value.length()) {
                throw new IllegalArgumentException("extension value '" + Texts.printable(value)
                        + "' breaks the ext-value grammar (" + rule + ")");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("duplicate extension " + name);
            }
        }
    }

    /**
     * Parses one STS TXT record (its character-strings already joined).
     *
     * @param text the record
     * @return the record; {@link ParseResult.NotApplicable} if it is not an STS record at all; or the
     *     error with its column
     */
    public static ParseResult<StsRecord> parse(CharSequence text) {
        Objects.requireNonNull(text, "text");
        if (!TagSyntax.startsWithVersion(text, PREFIX)) {
            // RFC 8461 §3.1: records that do not begin with "v=STSv1;" are not STS records.
            return new ParseResult.NotApplicable<>(SyntaxError.atColumn(SyntaxError.Kind.STS_RECORD_NOT_STS,
                    text, TagSyntax.versionMismatchAt(text, PREFIX), TagSyntax.notOfTheKind(text, PREFIX, "an STS record")));
        }
        int n = text.length();
        int pos = PREFIX.length();
        String id = null;
        TagSyntax.Fields fields = new TagSyntax.Fields("RFC 8461 §3.1");
        while (true) {
            int p = TagSyntax.skipWsp(text, pos);
            if (p == n) {
                if (p > pos) {
                    // INTEROP: the ABNF (RFC 8461 §3.1) allows WSP after the last field only around a
                    // ';', but published records often end in spaces. Rejecting them would leave the
                    // domain without a policy for an invisible slip, while mox, mailpiece and
                    // Snawoot apply it: accepted, with a warning for the publisher.
                    fields.warnTrailingWhitespace(text, pos);
                }
                break;
            }
            if (text.charAt(p) != ';') {
                return invalid(text, p, SyntaxError.Kind.STS_RECORD_FIELD_SYNTAX, "expected ';' between fields");
            }
            p = TagSyntax.skipWsp(text, p + 1);
            if (p == n) {
                break; // RFC 8461 §3.1: an optional trailing delimiter
            }
            if (text.charAt(p) == ';') {
                // RFC 8461 §3.1: sts-field-delim separates fields; ";;" leaves an empty one.
                return invalid(text, p, SyntaxError.Kind.STS_RECORD_EMPTY_FIELD, "empty field between ';' and ';'");
            }
            int nameEnd = TagSyntax.scanName(text, p);
            if (nameEnd == p || !PolicyParser.isAlnum(text.charAt(p))) {
                return invalid(text, p, SyntaxError.Kind.STS_RECORD_EXTENSION_NAME,
                        "a field name starts with a letter or digit");
            }
            if (nameEnd - p > TagSyntax.MAX_NAME) {
                return invalid(text, p + TagSyntax.MAX_NAME, SyntaxError.Kind.STS_RECORD_EXTENSION_NAME,
                        "field name longer than 32 characters");
            }
            if (nameEnd == n || text.charAt(nameEnd) != '=') {
                return TagSyntax.isFieldEnd(text, nameEnd)
                        ? invalid(text, nameEnd, SyntaxError.Kind.STS_RECORD_FIELD_SYNTAX, "expected '=' after the field name")
                        : invalid(text, nameEnd, SyntaxError.Kind.STS_RECORD_EXTENSION_NAME,
                                "character " + Texts.describe(text.charAt(nameEnd)) + " is not allowed in a field name");
            }
            int v = nameEnd + 1;
            if (nameEnd - p == 2 && text.charAt(p) == 'i' && text.charAt(p + 1) == 'd') {
                // RFC 8461 §3.1: sts-id = %s"id=" 1*32(ALPHA / DIGIT)
                int ve = v;
                while (ve < n && PolicyParser.isAlnum(text.charAt(ve))) {
                    ve++;
                }
                if (ve == v || !TagSyntax.isFieldEnd(text, ve)) {
                    return invalid(text, ve, SyntaxError.Kind.STS_RECORD_INVALID_ID, ve == n || TagSyntax.isFieldEnd(text, ve)
                            ? "id is empty" : "character " + Texts.describe(text.charAt(ve))
                                    + " is not allowed in an id (letters and digits only)");
                }
                if (ve - v > MAX_ID_LENGTH) {
                    return invalid(text, v + MAX_ID_LENGTH, SyntaxError.Kind.STS_RECORD_INVALID_ID,
                            "id longer than 32 characters");
                }
                if (id == null) {
                    id = text.subSequence(v, ve).toString();
                } else {
                    // SPEC: RFC 8461 §3.1 does not say what a repeated field means; as for the policy
                    // (RFC 8461 §3.2) the first one counts, and the rest are reported.
                    fields.warnDuplicate(text, p, "id");
                }
                pos = ve;
            } else {
                // RFC 8461 §3.1: sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E)
                int ve = TagSyntax.scanExtValue(text, v);
                if (ve == v || !TagSyntax.isFieldEnd(text, ve)) {
                    return invalid(text, ve, SyntaxError.Kind.STS_RECORD_EXTENSION_VALUE, ve == n || TagSyntax.isFieldEnd(text, ve)
                            ? "extension value is empty" : "character " + Texts.describe(text.charAt(ve))
                                    + " is not allowed in an extension value");
                }
                fields.extension(text, p, nameEnd, v, ve);
                pos = ve;
            }
        }
        if (id == null) {
            return invalid(text, n, SyntaxError.Kind.STS_RECORD_MISSING_ID, "the record has no 'id' field");
        }
        return new ParseResult.Valid<>(new StsRecord(id, fields.extensions()), fields.warnings());
    }

    private static <T> ParseResult<T> invalid(CharSequence text, int at, SyntaxError.Kind kind, String detail) {
        if (at < text.length() && TagSyntax.isForeign(text.charAt(at))) {
            kind = kind.name().startsWith("STS") ? SyntaxError.Kind.STS_RECORD_NON_ASCII : SyntaxError.Kind.TLSRPT_RECORD_NON_ASCII;
            detail = "character " + Texts.describe(Character.codePointAt(text, at))
                    + " is not printable US-ASCII";
        }
        return new ParseResult.Invalid<>(SyntaxError.atColumn(kind, text, at, detail));
    }

    static <T> ParseResult<T> invalidAt(CharSequence text, int at, SyntaxError.Kind kind, String detail) {
        return invalid(text, at, kind, detail);
    }

    /** {@return the canonical wire form: {@code v=STSv1; id=ID} then {@code ; name=value} per extension} */
    public String toText() {
        StringBuilder out = new StringBuilder(16 + id.length());
        out.append(PREFIX).append("; id=").append(id);
        for (Extension e : extensions) {
            out.append("; ").append(e.name()).append('=').append(e.value());
        }
        return out.toString();
    }

    /** {@return {@link #toText()}} */
    @Override
    public String toString() {
        return toText();
    }
}
