package org.mtasts.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The TLS-RPT TXT record published at {@code _smtp._tls.<domain>} (RFC 8460 §3), such as {@code
 * v=TLSRPTv1; rua=mailto:tlsrpt@example.com}.
 *
 * <p>{@link #parse(CharSequence)} follows the ABNF: {@code v=TLSRPTv1} first and case-sensitive;
 * one or more {@code rua=} fields, each a comma-separated list (WSP allowed around the commas) of
 * URIs with a scheme, in which {@code ,} {@code !} {@code ;} appear as {@code %2C} {@code %21}
 * {@code %3B}; extensions kept; WSP around {@code ;}; an optional trailing {@code ;}. Several
 * {@code rua} fields are merged in order; for a repeated extension the first one counts, with a
 * {@link ParseWarning#DUPLICATE_FIELD} warning. As for {@link StsRecord}, WSP at the end without a
 * {@code ;} before it is accepted with a {@link ParseWarning#TRAILING_WHITESPACE} warning, and a
 * text that does not begin with {@code v=TLSRPTv1;} (WSP allowed before the {@code ;}) is {@link
 * ParseResult.NotApplicable}, as RFC 8460 §3 discards it. A URI with a scheme other than {@code
 * mailto} or {@code https} is kept as {@link ReportUri.Unsupported}; {@link #hasSupportedTarget()}
 * flags a record that names no usable destination, and its parse result carries a {@link
 * ParseWarning#NO_SUPPORTED_RUA} warning.
 *
 * <pre>{@code
 * TlsRptRecord r = TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example/t")
 *         .orElseThrow();
 * r.rua().size();              // 2
 * r.toText();                  // "v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example/t"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param rua the reporting URIs in published order (at least one)
 * @param extensions unknown fields in published order, names unique
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-3">RFC 8460 §3</a>
 * @since 0.1
 */
public record TlsRptRecord(List<ReportUri> rua, List<Extension> extensions) {

    /** The version field value (RFC 8460 §3). */
    public static final String VERSION = "TLSRPTv1";

    private static final String PREFIX = "v=TLSRPTv1";

    /**
     * Validates and copies the components.
     *
     * @param rua the reporting URIs in published order (at least one)
     * @param extensions unknown fields in published order, names unique
     */
    public TlsRptRecord {
        rua = List.copyOf(rua);
        extensions = List.copyOf(extensions);
        if (rua.isEmpty()) {
            throw new IllegalArgumentException("a TLSRPT record needs at least one rua URI (RFC 8460 §3)");
        }
        StsRecord.checkExtensions(extensions, "rua", "RFC 8460 §3");
    }

    /**
     * Returns a record with these destinations and no extensions.
     *
     * @param rua the destinations
     * @return the record
     */
    public static TlsRptRecord of(List<ReportUri> rua) {
        return new TlsRptRecord(rua, List.of());
    }

    /**
     * Returns a record with these destinations.
     *
     * @param rua URIs such as {@code mailto:tlsrpt@example.com} or {@code https://example.com/tlsrpt}
     * @return the record
     * @throws IllegalArgumentException if a URI has no scheme or is malformed
     */
    public static TlsRptRecord of(String... rua) {
        List<ReportUri> list = new ArrayList<>(rua.length);
        for (String uri : rua) {
            list.add(ReportUri.of(uri));
        }
        return of(list);
    }

    /** {@return whether at least one destination uses {@code mailto} or {@code https}} */
    public boolean hasSupportedTarget() {
        for (ReportUri uri : rua) {
            if (uri.isSupported()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parses one TLSRPT TXT record (its character-strings already joined).
     *
     * @param text the record
     * @return the record; {@link ParseResult.NotApplicable} if it is not a TLSRPT record at all; or
     *     the error with its column
     */
    public static ParseResult<TlsRptRecord> parse(CharSequence text) {
        Objects.requireNonNull(text, "text");
        if (!TagSyntax.startsWithVersion(text, PREFIX)) {
            // RFC 8460 §3: records that do not begin with "v=TLSRPTv1;" are discarded.
            return new ParseResult.NotApplicable<>(SyntaxError.atColumn(SyntaxError.Kind.TLSRPT_RECORD_NOT_TLSRPT,
                    text, TagSyntax.versionMismatchAt(text, PREFIX), TagSyntax.notOfTheKind(text, PREFIX, "a TLSRPT record")));
        }
        int n = text.length();
        int pos = PREFIX.length();
        List<ReportUri> rua = null;
        int firstUri = -1;
        TagSyntax.Fields fields = new TagSyntax.Fields("RFC 8460 §3");
        while (true) {
            int p = TagSyntax.skipWsp(text, pos);
            if (p == n) {
                if (p > pos) {
                    // INTEROP: the ABNF (RFC 8460 §3) allows WSP after the last field only around a
                    // ';', but published records often end in spaces; accepted with a warning, as
                    // for the STS record (mox, mailpiece and Snawoot accept them too).
                    fields.warnTrailingWhitespace(text, pos);
                }
                break;
            }
            if (text.charAt(p) != ';') {
                return StsRecord.invalidAt(text, p, SyntaxError.Kind.TLSRPT_RECORD_FIELD_SYNTAX,
                        "expected ';' between fields");
            }
            p = TagSyntax.skipWsp(text, p + 1);
            if (p == n) {
                break; // RFC 8460 §3: an optional trailing delimiter
            }
            if (text.charAt(p) == ';') {
                return StsRecord.invalidAt(text, p, SyntaxError.Kind.TLSRPT_RECORD_EMPTY_FIELD,
                        "empty field between ';' and ';'");
            }
            int nameEnd = TagSyntax.scanName(text, p);
            if (nameEnd == p || !PolicyParser.isAlnum(text.charAt(p))) {
                return StsRecord.invalidAt(text, p, SyntaxError.Kind.TLSRPT_RECORD_EXTENSION_NAME,
                        "a field name starts with a letter or digit");
            }
            if (nameEnd - p > TagSyntax.MAX_NAME) {
                return StsRecord.invalidAt(text, p + TagSyntax.MAX_NAME, SyntaxError.Kind.TLSRPT_RECORD_EXTENSION_NAME,
                        "field name longer than 32 characters");
            }
            if (nameEnd == n || text.charAt(nameEnd) != '=') {
                return TagSyntax.isFieldEnd(text, nameEnd)
                        ? StsRecord.invalidAt(text, nameEnd, SyntaxError.Kind.TLSRPT_RECORD_FIELD_SYNTAX,
                                "expected '=' after the field name")
                        : StsRecord.invalidAt(text, nameEnd, SyntaxError.Kind.TLSRPT_RECORD_EXTENSION_NAME,
                                "character " + Texts.describe(text.charAt(nameEnd)) + " is not allowed in a field name");
            }
            int v = nameEnd + 1;
            if (nameEnd - p == 3 && text.charAt(p) == 'r' && text.charAt(p + 1) == 'u' && text.charAt(p + 2) == 'a') {
                // RFC 8460 §3: tlsrpt-rua = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
                if (rua == null) {
                    rua = new ArrayList<>(2);
                    firstUri = v;
                }
                int u = v;
                while (true) {
                    int ue = u;
                    while (ue < n) {
                        char c = text.charAt(ue);
                        if (c == ',' || c == ';' || TagSyntax.isWsp(c)) {
                            break;
                        }
                        ue++;
                    }
                    String decoded = decodeRua(text, u, ue);
                    ReportUri uri = null;
                    String problem = null;
                    try {
                        // The constructors check the URI (ReportUris.problem); checking it here first
                        // would walk it twice on the common path.
                        uri = u == ue ? null : ReportUris.classify(decoded);
                    } catch (IllegalArgumentException e) {
                        problem = ReportUris.problem(decoded);
                        if (problem == null) {
                            problem = Texts.printable(String.valueOf(e.getMessage()));
                        }
                    }
                    if (uri == null) {
                        int at = u;
                        for (int i = u; i < ue; i++) {
                            if (TagSyntax.isForeign(text.charAt(i))) {
                                at = i;
                                break;
                            }
                        }
                        return StsRecord.invalidAt(text, at, SyntaxError.Kind.TLSRPT_RECORD_INVALID_URI,
                                u == ue ? "empty URI in rua" : "invalid URI in rua: " + problem);
                    }
                    rua.add(uri);
                    int after = TagSyntax.skipWsp(text, ue);
                    if (after < n && text.charAt(after) == ',') {
                        u = TagSyntax.skipWsp(text, after + 1);
                        continue;
                    }
                    pos = ue;
                    break;
                }
            } else {
                int ve = TagSyntax.scanExtValue(text, v);
                if (ve == v || !TagSyntax.isFieldEnd(text, ve)) {
                    return StsRecord.invalidAt(text, ve, SyntaxError.Kind.TLSRPT_RECORD_EXTENSION_VALUE,
                            ve == n || TagSyntax.isFieldEnd(text, ve) ? "extension value is empty"
                                    : "character " + Texts.describe(text.charAt(ve))
                                            + " is not allowed in an extension value");
                }
                fields.extension(text, p, nameEnd, v, ve);
                pos = ve;
            }
        }
        if (rua == null) {
            return StsRecord.invalidAt(text, n, SyntaxError.Kind.TLSRPT_RECORD_MISSING_RUA,
                    "the record has no 'rua' field");
        }
        TlsRptRecord record = new TlsRptRecord(rua, fields.extensions());
        if (!record.hasSupportedTarget()) {
            // RFC 8460 §3: senders deliver reports by mailto and https; a record with neither is
            // valid but useless, which its publisher should hear.
            fields.warn(ParseWarning.NO_SUPPORTED_RUA, text, firstUri, "no rua URI uses mailto: or https:, so no "
                    + "report can be delivered");
        }
        return new ParseResult.Valid<>(record, fields.warnings());
    }

    /** Decodes the escapes RFC 8460 §3 requires inside a rua URI: %2C, %21 and %3B. */
    static String decodeRua(CharSequence text, int from, int to) {
        if (text instanceof String s) {
            int percent = s.indexOf('%', from);
            if (percent < 0 || percent >= to) {
                return s.substring(from, to); // nothing to decode: the usual case
            }
        }
        StringBuilder out = null;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            char decoded = 0;
            if (c == '%' && i + 2 < to) {
                char h = text.charAt(i + 1);
                char l = (char) (text.charAt(i + 2) | 0x20);
                if (h == '2' && l == 'c') {
                    decoded = ',';
                } else if (h == '2' && text.charAt(i + 2) == '1') {
                    decoded = '!';
                } else if (h == '3' && l == 'b') {
                    decoded = ';';
                }
            }
            if (decoded != 0) {
                if (out == null) {
                    out = new StringBuilder(to - from);
                    out.append(text, from, i);
                }
                out.append(decoded);
                i += 2;
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text.subSequence(from, to).toString() : out.toString();
    }

    /** Encodes ',', '!' and ';' for the record (RFC 8460 §3). */
    private static String encodeRua(String uri) {
        StringBuilder out = new StringBuilder(uri.length() + 8);
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            switch (c) {
                case ',' -> out.append("%2C");
                case '!' -> out.append("%21");
                case ';' -> out.append("%3B");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * {@return the canonical wire form: {@code v=TLSRPTv1; rua=URI,URI} (one merged rua field, with
     * {@code , ! ;} escaped) then {@code ; name=value} per extension}
     */
    public String toText() {
        StringBuilder out = new StringBuilder(32 + 32 * rua.size());
        out.append(PREFIX).append("; rua=");
        for (int i = 0; i < rua.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(encodeRua(rua.get(i).uri()));
        }
        for (Extension e : extensions) {
            out.append("; ").append(e.name()).append('=').append(e.value());
        }
        return out.toString();
    }

    /** Returns {@link #toText()}. */
    @Override
    public String toString() {
        return toText();
    }
}
