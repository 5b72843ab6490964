package org.mtasts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtasts.core.Discovery;
import org.mtasts.core.DomainName;
import org.mtasts.core.RecordSelection;
import org.mtasts.core.ReportUri;
import org.mtasts.core.StsRecord;
import org.mtasts.core.TlsRptRecord;
import org.mtasts.core.TxtAnswer;
import org.mtasts.dns.AddressAnswer;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.dns.MxAnswer;
import org.mtasts.dns.MxHost;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * {@code mtasts-dns} against real DNS servers, for every realnet zone: Knot, authoritative only (on
 * 127.0.0.53:53, where a CNAME into another zone comes back alone and must be chased by us), and
 * Unbound, recursive (which chases it itself). Both must give the same outcome per zone: the STS
 * record selection (RFC 8461 §3.1), the TLSRPT record selection (RFC 8460 §3), the MX hosts by
 * preference and the policy host's address.
 */
class DnsRealnetIT {

    /** The two servers. */
    enum Server {
        KNOT, UNBOUND
    }

    /**
     * What DNS says about one zone, in words.
     *
     * @param sts the STS record selection at {@code _mta-sts}
     * @param tlsRpt the TLSRPT record selection at {@code _smtp._tls}
     * @param mx the MX hosts by preference
     * @param policyHost the addresses of {@code mta-sts.<domain>}
     */
    record Zone(String sts, String tlsRpt, String mx, String policyHost) {}

    private static final String GOOD_STS = "found id=20240101T000000";
    private static final String NO_TLSRPT = "absent (NXDOMAIN)";
    private static final String MX1 = "10 mx1.example.test";
    private static final String LOOPBACK = "127.0.0.1";

    /** The expected outcome per zone, from the recipe's zone files and its README. */
    static final Map<RealnetDomain, Zone> ZONES = new EnumMap<>(RealnetDomain.class);

    static {
        ZONES.put(RealnetDomain.EXAMPLE, new Zone(GOOD_STS, "found rua=mailto:tlsrpt@example.test",
                "10 mx1.example.test, 20 a.mx.example.test", LOOPBACK));
        ZONES.put(RealnetDomain.TESTING, new Zone("found id=20240101T000001",
                "found rua=https://tlsrpt.example.test/report", MX1, LOOPBACK));
        ZONES.put(RealnetDomain.NONE_MODE, new Zone("found id=20240101T000002", NO_TLSRPT, MX1, LOOPBACK));
        ZONES.put(RealnetDomain.CRLF, new Zone(GOOD_STS, NO_TLSRPT, MX1, LOOPBACK));
        // RFC 8461 §3.1, RFC 8460 §3: the character-strings of one record are joined with no separator.
        ZONES.put(RealnetDomain.SPLIT_TXT, new Zone("found id=20240101T000003", "found rua=mailto:tlsrpt@example.test",
                MX1, LOOPBACK));
        // RFC 8461 §3.1: records that do not start with v=STSv1; are discarded before counting.
        ZONES.put(RealnetDomain.MIXED_TXT, new Zone("found id=20240101T000004",
                "found rua=mailto:tlsrpt@example.test,https://tlsrpt.example.test/report", MX1, LOOPBACK));
        // RFC 8461 §3.1: CNAMEs are followed (Knot answers the CNAME alone; we chase it).
        ZONES.put(RealnetDomain.CNAME_STS, new Zone(GOOD_STS, "found rua=mailto:tlsrpt@example.test", MX1, LOOPBACK));
        // RFC 8461 §3.1, RFC 8460 §3: more than one record of the kind: none counts.
        ZONES.put(RealnetDomain.TWO_STS, new Zone("multiple (2)", "multiple (2)", MX1, LOOPBACK));
        ZONES.put(RealnetDomain.NO_STS, new Zone("absent (NXDOMAIN)", NO_TLSRPT, MX1, LOOPBACK));
        ZONES.put(RealnetDomain.NO_ID, new Zone("invalid sts-record-missing-id", NO_TLSRPT, MX1, LOOPBACK));
        // SPEC: the recipe calls rua=ftp:// "invalid"; RFC 8460 §3's ABNF takes any URI and defines
        // delivery for mailto and https only, so the record is valid and has no usable destination.
        ZONES.put(RealnetDomain.BAD_ID, new Zone("invalid sts-record-invalid-id",
                "found rua=ftp://example.test/report (no supported destination)", MX1, LOOPBACK));
        ZONES.put(RealnetDomain.NXDOMAIN, new Zone("absent (NXDOMAIN)", NO_TLSRPT, "no domain", "none (NXDOMAIN)"));
        ZONES.put(RealnetDomain.NO_POLICY_HOST, new Zone(GOOD_STS, NO_TLSRPT, MX1, "none (NXDOMAIN)"));
        ZONES.put(RealnetDomain.REDIRECT, new Zone(GOOD_STS, NO_TLSRPT, MX1, LOOPBACK));
        ZONES.put(RealnetDomain.WRONG_CTYPE, new Zone(GOOD_STS, NO_TLSRPT, MX1, LOOPBACK));
        ZONES.put(RealnetDomain.OVERSIZED, new Zone(GOOD_STS, NO_TLSRPT, MX1, LOOPBACK));
        ZONES.put(RealnetDomain.HTTP404, new Zone(GOOD_STS, NO_TLSRPT, MX1, LOOPBACK));
        ZONES.put(RealnetDomain.HTTP_ONLY, new Zone(GOOD_STS, NO_TLSRPT, MX1, "127.0.0.3"));
        ZONES.put(RealnetDomain.EXPIRED_CERT, new Zone(GOOD_STS, NO_TLSRPT, "10 mx.expired-cert.test", LOOPBACK));
        ZONES.put(RealnetDomain.WRONG_CERT, new Zone(GOOD_STS, NO_TLSRPT, "10 mx.wrong-cert.test", LOOPBACK));
        ZONES.put(RealnetDomain.SELFSIGNED, new Zone(GOOD_STS, NO_TLSRPT, "10 mx.selfsigned.test", LOOPBACK));
        ZONES.put(RealnetDomain.NOCHAIN, new Zone(GOOD_STS, NO_TLSRPT, MX1, LOOPBACK));
        ZONES.put(RealnetDomain.BAD_POLICY, new Zone(GOOD_STS, NO_TLSRPT, MX1, LOOPBACK));
        ZONES.put(RealnetDomain.MX_MISMATCH, new Zone(GOOD_STS, NO_TLSRPT, "10 mail.mx-mismatch.test", LOOPBACK));
        ZONES.put(RealnetDomain.BAD_MX_CERT, new Zone(GOOD_STS, NO_TLSRPT, "10 mx.bad-mx-cert.test", LOOPBACK));
        // Signed by Knot; our resolver reads it like any other zone (Unbound validates it, Knot just serves it).
        ZONES.put(RealnetDomain.DANE, new Zone("found id=20240101T000007", NO_TLSRPT, "10 mx1.dane.test", LOOPBACK));
    }

    private static Realnet realnet;

    /** Per test, so that a missing realnet shows as skipped tests with the reason (not as zero tests). */
    @BeforeEach
    void locate() {
        realnet = Realnet.get();
    }

    static Stream<Arguments> zones() {
        List<Arguments> all = new ArrayList<>();
        for (Server server : Server.values()) {
            for (RealnetDomain d : RealnetDomain.values()) {
                all.add(Arguments.of(server, d));
            }
        }
        return all.stream();
    }

    private static InetSocketAddress address(Server server) {
        return server == Server.KNOT ? realnet.authoritativeDns() : realnet.recursiveDns();
    }

    @Test
    @DisplayName("every realnet domain has a row in the DNS table")
    void everyDomainHasARow() {
        assertThat(ZONES.keySet()).containsExactlyInAnyOrder(RealnetDomain.values());
    }

    @ParameterizedTest(name = "{1} from {0}")
    @MethodSource("zones")
    @DisplayName("RFC 8461 §3.1, RFC 8460 §3: each zone's records, as our resolver reads them from a real server")
    void readsEachZone(Server server, RealnetDomain d) {
        DnsjavaResolver dns = realnet.resolver(address(server));
        Zone actual = new Zone(
                describeSts(RecordSelection.sts(dns.resolveTxt(d.domain().stsRecordName()))),
                describeTlsRpt(RecordSelection.tlsRpt(dns.resolveTxt(d.domain().tlsRptRecordName()))),
                describe(dns.resolveMx(d.domain())),
                describe(dns.resolveAddresses(DomainName.of(d.domain().policyHost()))));
        System.out.println(d + " from " + server + " " + Realnet.hostPort(address(server)) + ": " + actual);
        assertThat(actual).as("%s from %s", d, server).isEqualTo(ZONES.get(d));
    }

    @Test
    @DisplayName("RFC 8461 §3.1: Knot answers the cross-zone CNAME alone, and our resolver still finds the TXT")
    void chasesTheCnameThatKnotAnswersAlone() throws IOException {
        // What a bare stub (such as the peer's c-ares) gets from Knot: the CNAME, no TXT, not recursive.
        SimpleResolver raw = new SimpleResolver(realnet.authoritativeDns());
        raw.setTimeout(Duration.ofSeconds(2));
        Message query = Message.newQuery(Record.newRecord(Name.fromString("_mta-sts.cname-sts.test."), Type.TXT, DClass.IN));
        Message reply = raw.send(query);
        assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(reply.getHeader().getFlag(Flags.RA)).as("Knot does not recurse").isFalse();
        List<Integer> types = new ArrayList<>();
        for (Record r : reply.getSection(Section.ANSWER)) {
            types.add(r.getType());
        }
        assertThat(types).containsExactly(Type.CNAME);
        // Our resolver, against the same server: the TXT of the CNAME's target.
        TxtAnswer ours = realnet.resolver(realnet.authoritativeDns()).resolveTxt("_mta-sts.cname-sts.test");
        assertThat(ours).isEqualTo(new TxtAnswer.Records(List.of("v=STSv1; id=20240101T000000;")));
    }

    @Test
    @DisplayName("RFC 8461 §3.1: a split TXT record arrives as two strings and is joined without a space")
    void joinsTheStringsOfASplitRecord() throws IOException {
        SimpleResolver raw = new SimpleResolver(realnet.authoritativeDns());
        raw.setTimeout(Duration.ofSeconds(2));
        Message reply = raw.send(Message.newQuery(Record.newRecord(Name.fromString("_mta-sts.split-txt.test."),
                Type.TXT, DClass.IN)));
        List<Record> answer = reply.getSection(Section.ANSWER);
        assertThat(answer).hasSize(1);
        assertThat(((TXTRecord) answer.get(0)).getStrings()).containsExactly("v=STSv1; ", "id=20240101T000003;");
        assertThat(realnet.resolver(realnet.authoritativeDns()).resolveTxt("_mta-sts.split-txt.test"))
                .isEqualTo(new TxtAnswer.Records(List.of("v=STSv1; id=20240101T000003;")));
    }

    @Test
    @DisplayName("names outside test. are refused by both servers: a temporary failure, not \"no record\"")
    void refusedIsTemporary() {
        for (Server server : Server.values()) {
            TxtAnswer answer = realnet.resolver(address(server)).resolveTxt("_mta-sts.example.com");
            assertThat(answer).as("%s", server).isInstanceOf(TxtAnswer.TemporaryFailure.class);
        }
    }

    static String describeSts(Discovery<StsRecord> d) {
        if (d instanceof Discovery.Found<StsRecord> found) {
            return "found id=" + found.record().id();
        }
        return describeOther(d);
    }

    static String describeTlsRpt(Discovery<TlsRptRecord> d) {
        if (d instanceof Discovery.Found<TlsRptRecord> found) {
            List<String> rua = new ArrayList<>();
            for (ReportUri uri : found.record().rua()) {
                rua.add(uri.toString());
            }
            return "found rua=" + String.join(",", rua)
                    + (found.record().hasSupportedTarget() ? "" : " (no supported destination)");
        }
        return describeOther(d);
    }

    private static String describeOther(Discovery<?> d) {
        if (d instanceof Discovery.Absent<?> absent) {
            return "absent (" + absent.detail() + ")";
        }
        if (d instanceof Discovery.Multiple<?> multiple) {
            return "multiple (" + multiple.texts().size() + ")";
        }
        if (d instanceof Discovery.Invalid<?> invalid) {
            return "invalid " + invalid.error().code();
        }
        return "temporary failure (" + ((Discovery.TemporaryFailure<?>) d).detail() + ")";
    }

    static String describe(MxAnswer answer) {
        if (answer instanceof MxAnswer.Hosts hosts) {
            List<String> list = new ArrayList<>();
            for (MxHost h : hosts.hosts()) {
                list.add(h.toString());
            }
            return String.join(", ", list);
        }
        return switch (answer.kind()) {
            case NO_DOMAIN -> "no domain";
            case NULL_MX -> "null MX";
            case IMPLICIT -> "implicit";
            default -> "temporary failure (" + ((MxAnswer.TemporaryFailure) answer).detail() + ")";
        };
    }

    static String describe(AddressAnswer answer) {
        if (answer instanceof AddressAnswer.Addresses found) {
            List<String> list = new ArrayList<>();
            found.addresses().forEach(a -> list.add(a.getHostAddress()));
            return String.join(", ", list);
        }
        if (answer instanceof AddressAnswer.NoAddresses none) {
            return "none (" + (none.nxdomain() ? "NXDOMAIN" : "NODATA") + ")";
        }
        return "temporary failure (" + ((AddressAnswer.TemporaryFailure) answer).detail() + ")";
    }
}
