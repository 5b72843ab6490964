package org.mtasts.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Picks the one STS or TLSRPT record among the TXT records at a name, by the rule of RFC 8461 §3.1
 * (and RFC 8460 §3, which copies it): drop the records that are not of the kind, then exactly one
 * must remain and be valid.
 *
 * <pre>{@code
 * Discovery<StsRecord> d = RecordSelection.sts(List.of("v=spf1 -all", "v=STSv1; id=1"));  // Found
 * RecordSelection.sts(List.of("v=STSv1; id=1", "v=STSv1; id=2"));                      // Multiple
 * RecordSelection.discoverSts(resolver, DomainName.of("example.com"))
 *         .thenAccept(discovery -> System.out.println(discovery.kind()));        // FOUND
 * }</pre>
 *
 * <p>Thread-safe (stateless).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.1">RFC 8461 §3.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-3">RFC 8460 §3</a>
 * @since 0.1
 */
public final class RecordSelection {
    private RecordSelection() {}

    /**
     * Selects the STS record among the TXT records at {@code _mta-sts.<domain>}.
     *
     * @param texts every TXT record at the name, strings joined
     * @return the selection
     */
    public static Discovery<StsRecord> sts(List<String> texts) {
        return select(texts, StsRecord::parse, "v=STSv1", "RFC 8461 §3.1");
    }

    /**
     * Selects the TLSRPT record among the TXT records at {@code _smtp._tls.<domain>}.
     *
     * @param texts every TXT record at the name, strings joined
     * @return the selection
     */
    public static Discovery<TlsRptRecord> tlsRpt(List<String> texts) {
        return select(texts, TlsRptRecord::parse, "v=TLSRPTv1", "RFC 8460 §3");
    }

    /**
     * Turns a DNS answer into an STS selection.
     *
     * @param answer the TXT answer at {@code _mta-sts.<domain>}
     * @return the selection, or the DNS outcome
     */
    public static Discovery<StsRecord> sts(TxtAnswer answer) {
        return fromAnswer(answer, RecordSelection::sts);
    }

    /**
     * Turns a DNS answer into a TLSRPT selection.
     *
     * @param answer the TXT answer at {@code _smtp._tls.<domain>}
     * @return the selection, or the DNS outcome
     */
    public static Discovery<TlsRptRecord> tlsRpt(TxtAnswer answer) {
        return fromAnswer(answer, RecordSelection::tlsRpt);
    }

    /**
     * Looks up and selects the STS record of a domain.
     *
     * @param resolver the TXT resolver
     * @param domain the policy domain
     * @return the selection
     */
    public static CompletableFuture<Discovery<StsRecord>> discoverSts(TxtResolver resolver, DomainName domain) {
        return resolver.resolveTxtAsync(domain.stsRecordName()).thenApply(RecordSelection::sts);
    }

    /**
     * Looks up and selects the TLSRPT record of a domain.
     *
     * @param resolver the TXT resolver
     * @param domain the policy domain
     * @return the selection
     */
    public static CompletableFuture<Discovery<TlsRptRecord>> discoverTlsRpt(TxtResolver resolver, DomainName domain) {
        return resolver.resolveTxtAsync(domain.tlsRptRecordName()).thenApply(RecordSelection::tlsRpt);
    }

    private static <T> Discovery<T> fromAnswer(TxtAnswer answer, Function<List<String>, Discovery<T>> select) {
        Objects.requireNonNull(answer, "answer");
        if (answer instanceof TxtAnswer.Records records) {
            return select.apply(records.texts());
        }
        if (answer instanceof TxtAnswer.NoRecords none) {
            return new Discovery.Absent<>(none.toString(), List.of());
        }
        TxtAnswer.TemporaryFailure failure = (TxtAnswer.TemporaryFailure) answer;
        return new Discovery.TemporaryFailure<>(failure.detail(), failure.cause());
    }

    private static <T> Discovery<T> select(List<String> texts, Function<String, ParseResult<T>> parser, String version,
            String rule) {
        Objects.requireNonNull(texts, "texts");
        // Fast path: the common single record.
        if (texts.size() == 1) {
            String text = texts.get(0);
            ParseResult<T> parsed = parser.apply(text);
            return switch (parsed.kind()) {
                case VALID -> new Discovery.Found<>(parsed.orElseThrow(), text, ((ParseResult.Valid<T>) parsed).warnings());
                case INVALID -> new Discovery.Invalid<>(parsed.syntaxError().orElseThrow(), text);
                case NOT_APPLICABLE -> new Discovery.Absent<>("no record of this kind among 1 TXT record"
                        + discarded(texts, version), texts);
            };
        }
        List<String> matching = new ArrayList<>(2);
        List<String> others = new ArrayList<>(texts.size());
        ParseResult<T> only = null;
        for (String text : texts) {
            ParseResult<T> parsed = parser.apply(Objects.requireNonNull(text, "text"));
            if (parsed.kind() == ParseResult.Kind.NOT_APPLICABLE) {
                others.add(text); // RFC 8461 §3.1: records that do not begin with "v=STSv1;" are discarded
            } else {
                matching.add(text);
                only = parsed;
            }
        }
        if (matching.isEmpty()) {
            return new Discovery.Absent<>((texts.isEmpty() ? "no TXT records"
                    : "no record of this kind among " + texts.size() + " TXT records") + discarded(others, version), others);
        }
        if (matching.size() > 1) {
            // RFC 8461 §3.1: if the number of resulting records is not one, there is no policy.
            return new Discovery.Multiple<>(matching);
        }
        String text = matching.get(0);
        if (only.kind() != ParseResult.Kind.VALID) {
            return new Discovery.Invalid<>(only.syntaxError().orElseThrow(), text);
        }
        List<ParseWarning> warnings = ((ParseResult.Valid<T>) only).warnings();
        List<ParseWarning> withDiscarded = null;
        for (String other : others) {
            if (TagSyntax.isDiscardedLookalike(other, version)) {
                if (withDiscarded == null) {
                    withDiscarded = new ArrayList<>(warnings);
                }
                withDiscarded.add(new ParseWarning(ParseWarning.DISCARDED_RECORD, rule, 1,
                        SyntaxError.columnOf(other, TagSyntax.versionMismatchAt(other, version)),
                        "the TXT record " + SafeText.quote(other) + " is discarded: it does not begin with '" + version
                                + ";', though a sender that counts it sees two records and applies no policy"));
            }
        }
        return new Discovery.Found<>(only.orElseThrow(), text, withDiscarded == null ? warnings : withDiscarded);
    }

    /** Names the discarded records that look like records of the kind, for an Absent's detail. */
    private static String discarded(List<String> others, String version) {
        StringBuilder out = new StringBuilder();
        for (String other : others) {
            if (TagSyntax.isDiscardedLookalike(other, version)) {
                out.append(out.length() == 0 ? "; discarded: " : ", ").append(SafeText.quote(other));
            }
        }
        if (out.length() > 0) {
            out.append(" (records that do not begin with '").append(version).append(";' are not of the kind)");
        }
        return out.toString();
    }
}
