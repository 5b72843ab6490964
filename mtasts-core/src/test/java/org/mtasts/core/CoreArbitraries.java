package org.mtasts.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators of valid values (for round trips) and of text biased towards the grammars'
 * special characters (for never-crash and reference properties).
 */
final class CoreArbitraries {
    private CoreArbitraries() {}

    private static final String ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /** An LDH label in lower case, 1 to 63 characters, never an ACE label. */
    static Arbitrary<String> label() {
        Arbitrary<String> shortLabel = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-")
                .ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> longLabel = Arbitraries.strings().withChars("abcz09-").ofMinLength(50).ofMaxLength(63);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(12, shortLabel), net.jqwik.api.Tuple.of(1, longLabel))
                .filter(l -> l.charAt(0) != '-' && l.charAt(l.length() - 1) != '-')
                .filter(l -> !(l.length() >= 4 && l.startsWith("xn--")));
    }

    /** A valid host name of 1 to 5 labels. */
    static Arbitrary<DomainName> domainName() {
        return label().list().ofMinSize(1).ofMaxSize(5)
                .map(labels -> String.join(".", labels))
                .filter(name -> name.length() <= DomainName.MAX_LENGTH)
                .map(DomainName::of);
    }

    /** A valid mx pattern: a name, or {@code *.} and a name. */
    static Arbitrary<MxPattern> mxPattern() {
        return Combinators.combine(Arbitraries.of(true, false), domainName()).as(MxPattern::new);
    }

    /** {@code (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")}: the extension names of all three grammars. */
    static Arbitrary<String> extensionName() {
        Arbitrary<Character> first = Arbitraries.of(ALNUM.toCharArray()).map(c -> c);
        Arbitrary<String> rest = Arbitraries.strings().withChars(ALNUM + "_-.").ofMaxLength(31);
        return Combinators.combine(first, rest).as((f, r) -> f + r);
    }

    /** {@code 1*(%x21-3A / %x3C / %x3E-7E)}: the extension values of the two TXT grammars. */
    static Arbitrary<String> recordExtensionValue() {
        return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(24)
                .filter(v -> v.indexOf('=') < 0 && v.indexOf(';') < 0);
    }

    /** An STS record id: 1 to 32 letters and digits. */
    static Arbitrary<String> stsId() {
        return Arbitraries.strings().withChars(ALNUM).ofMinLength(1).ofMaxLength(StsRecord.MAX_ID_LENGTH);
    }

    /** Extensions with unique names, none of them {@code reserved}. */
    static Arbitrary<List<Extension>> recordExtensions(String reserved) {
        return Combinators.combine(extensionName(), recordExtensionValue()).as(Extension::new)
                .list().ofMaxSize(4)
                .map(list -> unique(list, reserved));
    }

    private static List<Extension> unique(List<Extension> list, String... reserved) {
        Set<String> seen = new HashSet<>(List.of(reserved));
        List<Extension> out = new ArrayList<>();
        for (Extension e : list) {
            if (seen.add(e.name())) {
                out.add(e);
            }
        }
        return out;
    }

    /** Any valid STS record. */
    static Arbitrary<StsRecord> stsRecord() {
        return Combinators.combine(stsId(), recordExtensions("id")).as(StsRecord::new);
    }

    /** A valid report URI of each kind, including characters that the record must escape. */
    static Arbitrary<ReportUri> reportUri() {
        Arbitrary<String> local = Arbitraries.strings().withChars("abcz09.+-_,!;").ofMinLength(1).ofMaxLength(10)
                .filter(s -> Character.isLetterOrDigit(s.charAt(0)));
        Arbitrary<String> path = Arbitraries.strings().withChars("abz09/-_.~,!;=?&").ofMaxLength(16);
        Arbitrary<String> mailto = Combinators.combine(local, domainName()).as((l, d) -> "mailto:" + l + "@" + d);
        Arbitrary<String> https = Combinators.combine(domainName(), path).as((d, p) -> "https://" + d + "/" + p);
        Arbitrary<String> other = Combinators.combine(Arbitraries.of("http", "ftp", "HTTP", "x-report"), domainName())
                .as((s, d) -> s + "://" + d + "/tlsrpt");
        Arbitrary<String> scheme = Arbitraries.of("MAILTO:tls@example.com", "HTTPS://r.example/a", "urn:ietf:x");
        return Arbitraries.oneOf(mailto, https, other, scheme).map(ReportUri::of);
    }

    /** Any valid TLSRPT record. */
    static Arbitrary<TlsRptRecord> tlsRptRecord() {
        return Combinators.combine(reportUri().list().ofMinSize(1).ofMaxSize(4), recordExtensions("rua"))
                .as(TlsRptRecord::new);
    }

    /** {@code sts-policy-ext-value}: VCHAR and UTF-8 (also outside the BMP), inner spaces, ':'; no edge spaces. */
    static Arbitrary<String> policyExtensionValue() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(8),
                Arbitraries.of("é", "€", "ü", "\uD83D\uDE00", "日本", ":", "https://x.example/a?b=c", "\u00A0"));
        return piece.list().ofMinSize(1).ofMaxSize(4).map(pieces -> String.join(" ", pieces));
    }

    /** Any valid policy. */
    static Arbitrary<StsPolicy> policy() {
        Arbitrary<PolicyMode> mode = Arbitraries.of(PolicyMode.class);
        Arbitrary<List<MxPattern>> mx = mxPattern().list().ofMaxSize(5);
        Arbitrary<Long> maxAge = Arbitraries.oneOf(
                Arbitraries.longs().between(0, StsPolicy.MAX_AGE_LIMIT),
                Arbitraries.of(0L, 1L, 86_400L, StsPolicy.MAX_AGE_LIMIT));
        Arbitrary<List<Extension>> extensions = Combinators.combine(extensionName(), policyExtensionValue())
                .as(Extension::new).list().ofMaxSize(3)
                .map(list -> unique(list, "version", "mode", "mx", "max_age"));
        return Combinators.combine(mode, mx, maxAge, extensions)
                .filter((m, patterns, age, ext) -> m == PolicyMode.NONE || !patterns.isEmpty())
                .as(StsPolicy::new);
    }

    /** Text made of grammar tokens and troublesome characters: reaches deep into the parsers. */
    static Arbitrary<String> tokenSoup(String... tokens) {
        List<String> all = new ArrayList<>(List.of(tokens));
        all.addAll(List.of(";", "=", " ", "\t", ":", ",", ".", "*", "a", "Z", "0", "9", "-", "_", "%", "%2C",
                "\r", "\n", "\r\n", "\u0000", "\u007F", "é", "\uFEFF", "\uD83D", "\uDE00", "\uD83D\uDE00", "xn--", "ü"));
        return Arbitraries.of(all).list().ofMaxSize(30).map(list -> list.stream().collect(Collectors.joining()));
    }
}
