package org.mtasts.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class DnsUpdaterTest {
    static final TsigKey KEY = TsigKey.of("update", "hmac-sha256", TsigKeyTest.SECRET);
    static final TsigKey OTHER = TsigKey.of("other", "hmac-sha256", "c2VjcmV0c2VjcmV0c2VjcmV0");
    static final String NAME = "_mta-sts.example.com";

    FakeUpdateServer server;
    DnsUpdater updater;

    @BeforeEach
    void start() throws IOException {
        server = new FakeUpdateServer("example.com", KEY);
        updater = DnsUpdater.builder().server(server.address()).key(KEY).timeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private TxtRrset read() {
        return ((TxtRrsetAnswer.Found) updater.readTxt(NAME)).rrset();
    }

    @Test
    void readsNoRecordsWithTheZoneFromTheSoa() {
        TxtRrset rrset = read();
        assertThat(rrset.isEmpty()).isTrue();
        assertThat(rrset.zone()).isEqualTo("example.com");
        assertThat(rrset.name()).isEqualTo(NAME);
        assertThat(rrset.ttl()).isEqualTo(Duration.ZERO);
    }

    @Test
    void rfc2136Section2_4_3_noRecordsMeansRrsetDoesNotExistAsPrerequisite() {
        Message m = DnsUpdater.message(List.of(TxtChange.replacing(read(), "v=STSv1", "v=STSv1; id=1;", Duration.ofHours(1))));
        assertThat(m.getHeader().getOpcode()).isEqualTo(Opcode.UPDATE);
        assertThat(m.getQuestion().getName().toString()).isEqualTo("example.com.");
        assertThat(m.getQuestion().getType()).isEqualTo(Type.SOA);
        List<Record> prereq = m.getSection(Section.PREREQ);
        assertThat(prereq).hasSize(1);
        assertThat(prereq.get(0).getDClass()).isEqualTo(DClass.NONE);
        assertThat(prereq.get(0).getType()).isEqualTo(Type.TXT);
        assertThat(prereq.get(0).getTTL()).isZero();
        List<Record> updates = m.getSection(Section.UPDATE);
        assertThat(updates).hasSize(1);
        assertThat(updates.get(0).getDClass()).isEqualTo(DClass.IN);
        assertThat(updates.get(0).getTTL()).isEqualTo(3600);
        assertThat(updates.get(0).rdataToString()).isEqualTo("\"v=STSv1; id=1;\"");
    }

    @Test
    void rfc2136Section2_4_2_recordsReadAreValueDependentPrerequisitesAndOnlyStsRecordsAreDeleted() {
        server.addTxt(NAME, "v=STSv1; id=old;");
        server.addTxt(NAME, "unrelated text");
        Message m = DnsUpdater.message(List.of(TxtChange.replacing(read(), "v=STSv1", "v=STSv1; id=new;", Duration.ofHours(1))));
        List<Record> prereq = m.getSection(Section.PREREQ);
        assertThat(prereq).extracting(Record::getDClass).containsOnly(DClass.IN);
        assertThat(prereq).extracting(Record::getTTL).containsOnly(0L);
        assertThat(prereq).extracting(Record::rdataToString).containsExactlyInAnyOrder("\"v=STSv1; id=old;\"", "\"unrelated text\"");
        List<Record> updates = m.getSection(Section.UPDATE);
        assertThat(updates).hasSize(2);
        // RFC 2136 §2.5.4: delete one RR: class NONE, TTL 0
        assertThat(updates.get(0).getDClass()).isEqualTo(DClass.NONE);
        assertThat(updates.get(0).getTTL()).isZero();
        assertThat(updates.get(0).rdataToString()).isEqualTo("\"v=STSv1; id=old;\"");
        assertThat(updates.get(1).rdataToString()).isEqualTo("\"v=STSv1; id=new;\"");
    }

    @Test
    void splitsLongTextsIntoCharacterStringsOf255BytesAndEscapesNothingAway() {
        String text = "v=TLSRPTv1; rua=" + "mailto:a@example.com,".repeat(20) + "\"\\";
        TXTRecord record = DnsUpdater.txtRecord(DnsjavaResolver.absolute(NAME), text, Duration.ofHours(1));
        assertThat(record.getStringsAsByteArrays()).allSatisfy(s -> assertThat(s.length).isLessThanOrEqualTo(255));
        assertThat(record.getStringsAsByteArrays()).hasSize(2);
        assertThat(DnsjavaResolver.join(record)).isEqualTo(text);
    }

    @Test
    void publishesThenReplaces() {
        assertThat(updater.update(List.of(TxtChange.replacing(read(), "v=STSv1", "v=STSv1; id=1;", Duration.ofHours(1)))))
                .isEqualTo(new UpdateResult.Updated());
        assertThat(server.txt(NAME)).containsExactly("v=STSv1; id=1;");
        assertThat(updater.update(List.of(TxtChange.replacing(read(), "v=STSv1", "v=STSv1; id=2;", Duration.ofHours(1)))))
                .isEqualTo(new UpdateResult.Updated());
        assertThat(server.txt(NAME)).containsExactly("v=STSv1; id=2;");
    }

    @Test
    void aConcurrentChangeFailsThePrerequisiteAndChangesNothing() {
        TxtRrset stale = read();
        server.addTxt(NAME, "v=STSv1; id=someone-else;");
        UpdateResult result = updater.update(List.of(TxtChange.replacing(stale, "v=STSv1", "v=STSv1; id=mine;", Duration.ofHours(1))));
        assertThat(result.kind()).isEqualTo(UpdateResult.Kind.PREREQUISITE_FAILED);
        assertThat(((UpdateResult.PrerequisiteFailed) result).rcode()).isEqualTo("YXRRSET");
        assertThat(result.detail()).contains("changed since they were read").contains("changed nothing");
        assertThat(server.txt(NAME)).containsExactly("v=STSv1; id=someone-else;");

        TxtRrset read = read();
        server.addTxt(NAME, "v=STSv1; id=third;");
        result = updater.update(List.of(TxtChange.replacing(read, "v=STSv1", "v=STSv1; id=mine;", Duration.ofHours(1))));
        assertThat(((UpdateResult.PrerequisiteFailed) result).rcode()).isEqualTo("NXRRSET");
        assertThat(server.txt(NAME)).containsExactly("v=STSv1; id=someone-else;", "v=STSv1; id=third;");
    }

    @Test
    void aKeyTheServerDoesNotKnowIsRefused() {
        DnsUpdater wrong = DnsUpdater.builder().server(server.address()).key(OTHER).build();
        UpdateResult result = wrong.update(List.of(TxtChange.replacing(read(), "v=STSv1", "v=STSv1; id=1;", Duration.ofHours(1))));
        assertThat(result.kind()).isEqualTo(UpdateResult.Kind.REFUSED);
        assertThat(((UpdateResult.Refused) result).rcode()).isEqualTo("NOTAUTH");
        assertThat(result.detail()).contains("127.0.0.1:" + server.address().getPort()).contains("other");
        assertThat(server.txt(NAME)).isEmpty();
    }

    @Test
    void aNameOutsideTheServersZonesIsRefused() {
        assertThat(updater.readTxt("_mta-sts.other.example").kind()).isEqualTo(TxtRrsetAnswer.Kind.REFUSED);
    }

    @Test
    void noServerIsATemporaryFailure() throws IOException {
        server.close();
        assertThat(updater.readTxt(NAME).kind()).isEqualTo(TxtRrsetAnswer.Kind.TEMPORARY_FAILURE);
    }

    @Test
    void misuseIsACallerError() {
        assertThatThrownBy(() -> DnsUpdater.builder().build()).isInstanceOf(IllegalStateException.class);
        DnsUpdater unsigned = DnsUpdater.builder().server(server.address()).build();
        TxtChange change = TxtChange.replacing(read(), "v=STSv1", "v=STSv1; id=1;", Duration.ofHours(1));
        assertThatThrownBy(() -> unsigned.update(List.of(change))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> DnsUpdater.preview(List.of())).hasMessageContaining("nothing to change");
        server.addTxt(NAME, "v=STSv1; id=1;");
        assertThat(TxtChange.replacing(read(), "v=STSv1", "v=STSv1; id=1;", Duration.ofHours(1)).isEmpty()).isTrue();
        assertThatThrownBy(() -> new TxtChange(read(), List.of("not there"), null, Duration.ZERO))
                .hasMessageContaining("not among the records read");
    }
}
