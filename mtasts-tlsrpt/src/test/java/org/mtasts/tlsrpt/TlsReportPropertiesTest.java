package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the reader and writer: round trip, never crashing, agreement with references. */
class TlsReportPropertiesTest {

    @Provide
    Arbitrary<TlsReport> reports() {
        return ReportArbitraries.reports();
    }

    @Property
    @Label("RFC 8460 §4.4: read(write(r)) equals r for any report (JSON)")
    void jsonRoundTrip(@ForAll("reports") TlsReport report) {
        byte[] json = TlsReportWriter.create().toJson(report);
        ReadResult read = TlsReportReader.lenient().read(json);
        assertThat(read.kind()).as("%s", read).isEqualTo(ReadResult.Kind.READ);
        assertThat(read.orElseThrow()).isEqualTo(report);
    }

    @Property(tries = 200)
    @Label("RFC 8460 §5.2: read(write(r)) equals r for any report (gzip)")
    void gzipRoundTrip(@ForAll("reports") TlsReport report) {
        assertThat(TlsReportReader.lenient().read(TlsReportWriter.create().toGzip(report)).orElseThrow())
                .isEqualTo(report);
    }

    @Property(tries = 300)
    @Label("RFC 8460 §4.4: the writer's output is canonical: writing what was read gives the same bytes")
    void writerIsCanonical(@ForAll("reports") TlsReport report) {
        byte[] once = TlsReportWriter.create().toJson(report);
        byte[] twice = TlsReportWriter.create().toJson(TlsReportReader.lenient().read(once).orElseThrow());
        assertThat(twice).isEqualTo(once);
    }

    @Property(tries = 300)
    @Label("RFC 8460 §4.4: the streaming reader visits exactly what read() builds")
    void streamAgreesWithRead(@ForAll("reports") TlsReport report) throws IOException {
        byte[] json = TlsReportWriter.create().toJson(report);
        List<PolicyResult> policies = new ArrayList<>();
        List<FailureDetails> pending = new ArrayList<>();
        ReportHeader[] header = new ReportHeader[1];
        StreamResult r = TlsReportReader.lenient().stream(new ByteArrayInputStream(json), new ReportVisitor() {
            @Override
            public void failureDetails(int policyIndex, long detailIndex, FailureDetails details) {
                pending.add(details);
            }

            @Override
            public void policy(int policyIndex, PolicyDetails policy, Summary summary, long failureDetailCount) {
                policies.add(new PolicyResult(policy, summary, pending));
                pending.clear();
            }

            @Override
            public void header(ReportHeader h) {
                header[0] = h;
            }
        });
        assertThat(r.kind()).isEqualTo(StreamResult.Kind.COMPLETED);
        assertThat(TlsReport.of(header[0], policies)).isEqualTo(report);
    }

    @Property(tries = 500)
    @Label("RFC 8460 §7: arbitrary bytes never make the reader throw")
    void arbitraryBytesNeverThrow(@ForAll @Size(max = 300) byte[] bytes) {
        assertOutcome(TlsReportReader.lenient().read(bytes), bytes);
        byte[] gzipMagic = new byte[bytes.length + 2];
        gzipMagic[0] = 0x1F;
        gzipMagic[1] = (byte) 0x8B;
        System.arraycopy(bytes, 0, gzipMagic, 2, bytes.length);
        assertOutcome(TlsReportReader.lenient().read(gzipMagic), gzipMagic);
        assertOutcome(TlsReportReader.strict().read(bytes), bytes);
    }

    @Provide
    Arbitrary<byte[]> mutatedReports() {
        return Arbitraries.oneOf(
                ReportArbitraries.reports().map(r -> TlsReportWriter.create().toJson(r)),
                Arbitraries.just(Reports.utf8(Reports.clean())))
                .flatMap(json -> Arbitraries.integers().between(0, json.length - 1).flatMap(at ->
                        Arbitraries.oneOf(
                                Arbitraries.just(java.util.Arrays.copyOf(json, at)),
                                Arbitraries.bytes().map(b -> {
                                    byte[] copy = json.clone();
                                    copy[at] = b;
                                    return copy;
                                }),
                                Arbitraries.of("{", "}", "[", "]", ",", ":", "\"", "null", "-1", "1e400", "\\u0000")
                                        .map(s -> insert(json, at, s.getBytes(StandardCharsets.UTF_8))))));
    }

    @Property(tries = 1000)
    @Label("RFC 8460 §7: truncated or mutated reports never make the reader throw; errors point into the input")
    void mutatedReportsNeverThrow(@ForAll("mutatedReports") byte[] json) {
        assertOutcome(TlsReportReader.lenient().read(json), json);
        assertOutcome(TlsReportReader.lenient().read(Reports.gzip(json)), json);
    }

    @Property(tries = 500)
    @Label("RFC 3339 §5.6: the date-time parser agrees with java.time on offsets and fractions")
    void dateTimesAgreeWithJavaTime(@ForAll("offsetDateTimes") OffsetDateTime time) throws DateTimes.Invalid {
        String text = time.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        DateTimes.Parsed parsed = DateTimes.parse(text);
        assertThat(parsed.instant()).isEqualTo(time.toInstant());
        assertThat(parsed.zoneless()).isFalse();
        assertThat(DateTimes.parse(DateTimes.format(parsed.instant())).instant()).isEqualTo(time.toInstant());
    }

    @Provide
    Arbitrary<OffsetDateTime> offsetDateTimes() {
        return Arbitraries.longs().between(0, 253_402_214_399L)
                .flatMap(s -> Arbitraries.integers().between(0, 999_999_999).flatMap(n ->
                        Arbitraries.integers().between(-18 * 60, 18 * 60).map(m -> {
                            ZoneOffset offset = ZoneOffset.ofTotalSeconds(m * 60);
                            return OffsetDateTime.ofInstant(Instant.ofEpochSecond(s, n), offset);
                        })))
                .filter(t -> t.getYear() >= 0 && t.getYear() <= 9999);
    }

    @Property(tries = 1000)
    @Label("RFC 5952: IP literals agree with java.net.InetAddress (no lookups: bytes in, literal text out)")
    void ipLiteralsAgreeWithInetAddress(@ForAll @Size(min = 16, max = 16) byte[] v6,
            @ForAll @Size(min = 4, max = 4) byte[] v4, @ForAll @IntRange(min = 0, max = 7) int zeroRun)
            throws UnknownHostException {
        byte[] bytes = v6.clone();
        for (int i = zeroRun * 2; i < Math.min(16, zeroRun * 2 + 6); i++) {
            bytes[i] = 0; // make "::" compression likely
        }
        for (byte[] address : List.of(bytes, v4)) {
            InetAddress reference = InetAddress.getByAddress(address);
            byte[] expected = reference.getAddress();
            // The JDK's own (uncompressed) text parses to the same address.
            assertThat(IpLiterals.parse(reference.getHostAddress())).isEqualTo(expected);
            // Our canonical text is a literal the JDK reads back to the same address.
            String canonical = IpLiterals.format(expected);
            assertThat(InetAddress.getByName(canonical).getAddress()).isEqualTo(expected);
            assertThat(IpLiterals.canonicalize(canonical)).isEqualTo(canonical);
        }
    }

    @Property(tries = 500)
    @Label("RFC 4291 §2.2: text that is not an IP literal is rejected, never resolved")
    void nonLiteralsAreRejected(@ForAll("nonLiterals") String text) {
        assertThat(IpLiterals.isValid(text)).isFalse();
    }

    @Provide
    Arbitrary<String> nonLiterals() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("0123456789abcdefx:.").ofMaxLength(45)
                        .filter(s -> !looksValid(s)),
                Arbitraries.of("1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1::2::3", ":1::", "1:2:3:4:5:6:7:8:9",
                        "12345::", "::ffff:1.2.3", "example.com", "", "1.2.3.4 ", "g::1"));
    }

    private static boolean looksValid(String s) {
        try {
            if (s.isEmpty() || s.chars().anyMatch(c -> c == 'x')) {
                return false;
            }
            if (s.indexOf(':') < 0) {
                // dotted quad with canonical octets
                String[] parts = s.split("\\.", -1);
                if (parts.length != 4) {
                    return false;
                }
                for (String p : parts) {
                    if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')
                            || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                        return false;
                    }
                }
                return true;
            }
            // A literal with ':' is only ever given to the JDK, which does not resolve it.
            InetAddress.getByName("[" + s + "]");
            return true;
        } catch (UnknownHostException | NumberFormatException e) {
            return false;
        }
    }

    private static byte[] insert(byte[] json, int at, byte[] s) {
        byte[] out = new byte[json.length + s.length];
        System.arraycopy(json, 0, out, 0, at);
        System.arraycopy(s, 0, out, at, s.length);
        System.arraycopy(json, at, out, at + s.length, json.length - at);
        return out;
    }

    private static void assertOutcome(ReadResult r, byte[] input) {
        assertThat(r).isNotNull();
        if (r instanceof ReadResult.Invalid invalid) {
            ReportError e = invalid.error();
            assertThat(e.path()).startsWith("$");
            long lines = 1;
            for (byte b : input) {
                if (b == '\n' || b == '\r') {
                    lines++;
                }
            }
            assertThat((long) e.line()).isBetween(0L, Math.max(lines, 1) + 1);
            assertThat(e.detail().chars().noneMatch(c -> c < 0x20 || c == 0x7F)).isTrue();
        } else {
            assertThat(r.orElseThrow()).isNotNull();
        }
    }
}
