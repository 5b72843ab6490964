package org.mtasts.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.Discovery;
import org.mtasts.core.DomainName;
import org.mtasts.core.RecordSelection;
import org.mtasts.core.StsRecord;
import org.mtasts.core.TxtAnswer;

class FakeTxtResolverTest {

    @Test
    void answersFromTheTable() {
        FakeTxtResolver dns = FakeTxtResolver.create()
                .records("_mta-sts.example.com", "v=STSv1; id=1", "v=spf1 -all")
                .nodata("_smtp._tls.example.com")
                .temporaryFailure("_mta-sts.broken.example", "SERVFAIL");

        assertThat(dns.resolveTxtAsync("_mta-sts.example.com").join())
                .isEqualTo(new TxtAnswer.Records(List.of("v=STSv1; id=1", "v=spf1 -all")));
        assertThat(dns.resolveTxtAsync("_smtp._tls.example.com").join()).isEqualTo(new TxtAnswer.NoRecords(false));
        TxtAnswer failed = dns.resolveTxtAsync("_mta-sts.broken.example").join();
        assertThat(failed.kind()).isEqualTo(TxtAnswer.Kind.TEMPORARY_FAILURE);
        assertThat(((TxtAnswer.TemporaryFailure) failed).detail()).isEqualTo("SERVFAIL");
    }

    @Test
    void unknownNamesAreNxdomain() {
        FakeTxtResolver dns = FakeTxtResolver.create();
        assertThat(dns.resolveTxtAsync("_mta-sts.nowhere.example").join()).isEqualTo(new TxtAnswer.NoRecords(true));
        dns.records("a.example", "x").remove("a.example");
        assertThat(dns.resolveTxtAsync("a.example").join()).isEqualTo(new TxtAnswer.NoRecords(true));
    }

    @Test
    void namesAreCaseInsensitiveAndIgnoreTheRootDot() {
        FakeTxtResolver dns = FakeTxtResolver.create().records("_MTA-STS.Example.COM.", "v=STSv1; id=1");
        assertThat(dns.resolveTxtAsync("_mta-sts.example.com").join().kind()).isEqualTo(TxtAnswer.Kind.RECORDS);
        assertThat(dns.lookups("_MTA-sts.example.com.")).isEqualTo(1);
        assertThat(dns.lookupLog()).containsExactly("_mta-sts.example.com");
    }

    @Test
    @DisplayName("RFC 8461 §3.1: the fake feeds core discovery, which rejects two STS records")
    void feedsCoreDiscovery() {
        FakeTxtResolver dns = FakeTxtResolver.create()
                .records("_mta-sts.one.example", "v=STSv1; id=1")
                .records("_mta-sts.two.example", "v=STSv1; id=1", "v=STSv1; id=2");
        assertThat(RecordSelection.discoverSts(dns, DomainName.of("one.example")).join().kind())
                .isEqualTo(Discovery.Kind.FOUND);
        assertThat(RecordSelection.discoverSts(dns, DomainName.of("two.example")).join().kind())
                .isEqualTo(Discovery.Kind.MULTIPLE);
        Discovery<StsRecord> none = RecordSelection.discoverSts(dns, DomainName.of("none.example")).join();
        assertThat(none.kind()).isEqualTo(Discovery.Kind.ABSENT);
    }

    @Test
    void countsLookups() {
        FakeTxtResolver dns = FakeTxtResolver.create();
        dns.resolveTxtAsync("a.example");
        dns.resolveTxtAsync("a.example");
        dns.resolveTxtAsync("b.example");
        assertThat(dns.lookups("a.example")).isEqualTo(2);
        assertThat(dns.lookups("c.example")).isZero();
        assertThat(dns.totalLookups()).isEqualTo(3);
        dns.resetCounts();
        assertThat(dns.totalLookups()).isZero();
        assertThat(dns.lookups("a.example")).isZero();
    }

    @Test
    void holdsAnswersUntilReleased() throws Exception {
        FakeTxtResolver dns = FakeTxtResolver.create().records("_mta-sts.example.com", "v=STSv1; id=1");
        FakeTxtResolver.Hold hold = dns.hold("_mta-sts.example.com");
        CompletableFuture<TxtAnswer> first = CompletableFuture.supplyAsync(
                () -> dns.resolveTxtAsync("_mta-sts.example.com")).thenCompose(f -> f);
        CompletableFuture<TxtAnswer> second = dns.resolveTxtAsync("_mta-sts.example.com");

        assertThat(hold.awaitWaiting(2, Duration.ofSeconds(10))).isTrue();
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
        assertThat(dns.resolveTxtAsync("other.example").join()).isEqualTo(new TxtAnswer.NoRecords(true));

        dns.records("_mta-sts.example.com", "v=STSv1; id=2");
        hold.release();
        TxtAnswer expected = new TxtAnswer.Records(List.of("v=STSv1; id=2"));
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
        assertThat(hold.waiting()).isZero();
        assertThat(dns.resolveTxtAsync("_mta-sts.example.com")).isCompleted();
        hold.release(); // idempotent
        assertThat(dns.hold("_mta-sts.example.com")).isNotNull(); // a new hold after release
    }

    @Test
    void awaitWaitingTimesOutWhenNobodyAsks() throws Exception {
        FakeTxtResolver.Hold hold = FakeTxtResolver.create().hold("a.example");
        assertThat(hold.awaitWaiting(1, Duration.ofMillis(1))).isFalse();
    }

    @Test
    void rejectsMisuse() {
        FakeTxtResolver dns = FakeTxtResolver.create();
        dns.hold("a.example");
        assertThatThrownBy(() -> dns.hold("A.example.")).isInstanceOf(IllegalStateException.class)
                .hasMessage("lookups of a.example are already held");
        assertThatThrownBy(() -> dns.records("a.example")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodata");
        assertThatThrownBy(() -> dns.resolveTxtAsync(null)).isInstanceOf(NullPointerException.class);
    }
}
