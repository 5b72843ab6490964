package org.mtasts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.TlsRptRecord;
import org.mtasts.dns.DnsUpdater;
import org.mtasts.dns.TxtChange;
import org.mtasts.dns.TxtRrset;
import org.mtasts.dns.TxtRrsetAnswer;
import org.mtasts.dns.UpdateResult;
import org.mtasts.http.HttpsPolicyFetcher;
import org.mtasts.http.MtaSts;
import org.mtasts.http.PolicyResolution;
import org.mtasts.http.publish.PolicyId;
import org.mtasts.http.publish.PolicyPublisher;
import org.mtasts.http.publish.PublishRequest;
import org.mtasts.http.publish.PublishResult;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.MutableClock;
import org.mtasts.testkit.PolicyResponse;

/**
 * {@link PolicyPublisher} against a real Knot DNS server taking RFC 2136 updates under a TSIG key
 * (the publish add-on of realnet, 127.0.0.1:5400), with the policy host served over HTTPS by the
 * test kit's sandbox. Each test works on a fresh domain under {@code publish.test}.
 */
class PublishRealnetIT {
    static final String TESTING_V1 = "version: STSv1\nmode: testing\nmx: mx1.publish.test\nmax_age: 86400\n";
    static final String TESTING_V2 = "version: STSv1\nmode: testing\nmx: mx1.publish.test\nmx: mx2.publish.test\nmax_age: 172800\n";
    static final String ENFORCE = "version: STSv1\nmode: enforce\nmx: mx1.publish.test\nmax_age: 604800\n";

    PublishNet net;
    DomainName domain;
    MtaStsSandbox sandbox;
    HttpsPolicyFetcher fetcher;
    PolicyPublisher publisher;

    @BeforeEach
    void setUp() {
        net = PublishNet.get();
        domain = net.freshDomain("pub");
        net.addMx(domain, "mx1.publish.test");
        sandbox = MtaStsSandbox.builder().domain(DomainSpec.of(domain.ascii()).policy(TESTING_V1)).start();
        fetcher = PublishNet.fetcher(sandbox);
        publisher = PolicyPublisher.builder().updater(net.updater(net.key("key.bind"))).fetcher(fetcher)
                .resolver(net.resolver()).build();
    }

    @AfterEach
    void tearDown() {
        if (fetcher != null) {
            fetcher.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private PublishResult publish(String policy) {
        return publisher.publish(PublishRequest.builder(domain, policy.getBytes(StandardCharsets.UTF_8)).build());
    }

    private void serve(String policy) {
        sandbox.policyResponse(domain.ascii(), PolicyResponse.ok(policy));
    }

    @Test
    @DisplayName("publish, publish again unchanged, change the policy and publish: a sender sees the new id and fetches the new policy")
    void publishesChangesAndASenderFollows() {
        PublishResult first = publish(TESTING_V1);
        assertThat(first.kind()).as(first.toString()).isEqualTo(PublishResult.Kind.PUBLISHED);
        String id1 = ((PublishResult.Published) first).id();
        assertThat(id1).isEqualTo(PolicyId.of(PolicyMode.TESTING, TESTING_V1.getBytes(StandardCharsets.UTF_8)));
        assertThat(((PublishResult.Published) first).previous()).isEmpty();
        assertThat(net.txt(domain.stsRecordName())).containsExactly("v=STSv1; id=" + id1);
        assertThat(first.steps()).extracting(PublishResult.Step::name)
                .containsExactly("lint", "mx", "fetch", "id", "read", "update", "confirm");

        MutableClock clock = MutableClock.startingNow();
        String id2;
        try (MtaSts sender = MtaSts.builder().txtResolver(net.resolver()).fetcher(fetcher).clock(clock)
                .proactiveRefresh(false).build()) {
            PolicyResolution before = sender.resolve(domain);
            assertThat(before).isInstanceOf(PolicyResolution.Active.class);
            assertThat(((PolicyResolution.Active) before).cached().recordId()).isEqualTo(id1);
            assertThat(((PolicyResolution.Active) before).cached().policy().maxAge()).isEqualTo(86400);

            long serial = net.serial();
            PublishResult again = publish(TESTING_V1);
            assertThat(again.kind()).isEqualTo(PublishResult.Kind.UNCHANGED);
            assertThat(again.detail()).contains("unchanged");
            assertThat(net.serial()).as("an unchanged policy sends no update").isEqualTo(serial);

            serve(TESTING_V2);
            PublishResult second = publish(TESTING_V2);
            assertThat(second.kind()).as(second.toString()).isEqualTo(PublishResult.Kind.PUBLISHED);
            id2 = ((PublishResult.Published) second).id();
            assertThat(id2).isNotEqualTo(id1).startsWith("t").hasSize(32);
            assertThat(((PublishResult.Published) second).previous()).containsExactly("v=STSv1; id=" + id1);
            assertThat(net.txt(domain.stsRecordName())).containsExactly("v=STSv1; id=" + id2);

        }
        // A sender that had not seen the domain yet (a warm one rechecks the record in the
        // background after its recheck interval; MtaStsRefreshTest covers that path).
        try (MtaSts sender = MtaSts.builder().txtResolver(net.resolver()).fetcher(fetcher).proactiveRefresh(false).build()) {
            PolicyResolution after = sender.resolve(domain);
            assertThat(after).isInstanceOf(PolicyResolution.Active.class);
            assertThat(((PolicyResolution.Active) after).cached().recordId()).isEqualTo(id2);
            assertThat(((PolicyResolution.Active) after).cached().policy().maxAge()).isEqualTo(172800);
            assertThat(((PolicyResolution.Active) after).cached().text()).isEqualTo(TESTING_V2);
        }
    }

    @Test
    @DisplayName("the TLS-RPT record is published on request, in the same update")
    void publishesTheTlsRptRecord() {
        PublishResult result = publisher.publish(PublishRequest.builder(domain, TESTING_V1.getBytes(StandardCharsets.UTF_8))
                .tlsRpt(TlsRptRecord.of("mailto:tlsrpt@publish.test")).build());
        assertThat(result.kind()).as(result.toString()).isEqualTo(PublishResult.Kind.PUBLISHED);
        assertThat(net.txt(domain.tlsRptRecordName())).containsExactly("v=TLSRPTv1; rua=mailto:tlsrpt@publish.test");
        assertThat(((PublishResult.Published) result).tlsRptRecord()).contains("v=TLSRPTv1; rua=mailto:tlsrpt@publish.test");
    }

    @Test
    @DisplayName("a key the zone's ACL does not allow (BADKEY), and the right name with a wrong secret (BADSIG), are refused clearly")
    void aWrongKeyIsRefused() {
        for (String property : List.of("key.wrong", "key.bad-secret")) {
            PolicyPublisher wrong = PolicyPublisher.builder().updater(net.updater(net.key(property))).fetcher(fetcher)
                    .resolver(net.resolver()).build();
            PublishResult result = wrong.publish(PublishRequest.builder(domain, TESTING_V1.getBytes(StandardCharsets.UTF_8)).build());
            assertThat(result.kind()).as(result.toString()).isEqualTo(PublishResult.Kind.REFUSED);
            PublishResult.Refused refused = (PublishResult.Refused) result;
            assertThat(refused.reason()).isEqualTo(PublishResult.Reason.DNS_REFUSED);
            assertThat(refused.detail()).contains("127.0.0.1:5400")
                    .contains(property.equals("key.wrong") ? "TSIG BADKEY" : "TSIG BADSIG")
                    .contains(property.equals("key.wrong") ? "publish-wrong" : "the secret or the algorithm differs");
            assertThat(net.txt(domain.stsRecordName())).isEmpty();
        }
    }

    @Test
    @DisplayName("RFC 2136 §2.4.2: a change made between reading and updating fails the prerequisite, and nothing is overwritten")
    void aConcurrentChangeFailsThePrerequisite() {
        assertThat(publish(TESTING_V1).kind()).isEqualTo(PublishResult.Kind.PUBLISHED);
        DnsUpdater updater = net.updater(net.key("key.bind"));
        TxtRrset read = ((TxtRrsetAnswer.Found) updater.readTxt(domain.stsRecordName())).rrset();
        net.replaceTxtBehindOurBack(domain.stsRecordName(), "v=STSv1; id=someoneelse;");
        UpdateResult result = updater.update(List.of(TxtChange.replacing(read, "v=STSv1", "v=STSv1; id=mine;", Duration.ofMinutes(5))));
        assertThat(result.kind()).as(result.toString()).isEqualTo(UpdateResult.Kind.PREREQUISITE_FAILED);
        assertThat(((UpdateResult.PrerequisiteFailed) result).rcode()).isEqualTo("NXRRSET");
        assertThat(net.txt(domain.stsRecordName())).containsExactly("v=STSv1; id=someoneelse;");

        // None at first ("RRset does not exist", §2.4.3), then someone publishes one: YXRRSET.
        DomainName other = net.freshDomain("race");
        TxtRrset none = ((TxtRrsetAnswer.Found) updater.readTxt(other.stsRecordName())).rrset();
        net.replaceTxtBehindOurBack(other.stsRecordName(), "v=STSv1; id=first;");
        result = updater.update(List.of(TxtChange.replacing(none, "v=STSv1", "v=STSv1; id=mine;", Duration.ofMinutes(5))));
        assertThat(((UpdateResult.PrerequisiteFailed) result).rcode()).isEqualTo("YXRRSET");
        assertThat(net.txt(other.stsRecordName())).containsExactly("v=STSv1; id=first;");
    }

    @Test
    @DisplayName("RFC 8461 §8.1: a policy not yet live over HTTPS stops the run before DNS is touched, saying what differs")
    void aPolicyNotLiveStopsBeforeDns() {
        long serial = net.serial();
        PublishResult result = publish(TESTING_V2); // the sandbox still serves V1
        assertThat(result.kind()).isEqualTo(PublishResult.Kind.REFUSED);
        PublishResult.Refused refused = (PublishResult.Refused) result;
        assertThat(refused.reason()).isEqualTo(PublishResult.Reason.POLICY_DIFFERS);
        assertThat(refused.differences()).containsExactly(
                "line 4: file 'mx: mx2.publish.test', served 'max_age: 86400'",
                "line 5: file 'max_age: 172800', served ''",
                "line 6: only in the file ''");
        assertThat(result.steps()).extracting(PublishResult.Step::name).containsExactly("lint", "mx", "fetch");
        assertThat(net.serial()).isEqualTo(serial);
        assertThat(net.txt(domain.stsRecordName())).isEmpty();

        sandbox.policyResponse(domain.ascii(), PolicyResponse.status(404));
        result = publish(TESTING_V1);
        assertThat(((PublishResult.Refused) result).reason()).isEqualTo(PublishResult.Reason.NOT_SERVED);
        assertThat(result.detail()).contains("404").contains("publish the file first");
        assertThat(net.serial()).isEqualTo(serial);
    }

    @Test
    @DisplayName("an MX host the policy does not cover is refused before anything is fetched")
    void anUncoveredMxIsRefused() {
        net.addMx(domain, "mx9.elsewhere.test");
        PublishResult result = publish(TESTING_V1);
        assertThat(((PublishResult.Refused) result).reason()).isEqualTo(PublishResult.Reason.MX_NOT_COVERED);
        assertThat(result.detail()).contains("mx9.elsewhere.test");
    }

    @Test
    @DisplayName("the readiness gate refuses a switch to enforce without ready reports, and passes with a forced reason")
    void theReadinessGate() {
        assertThat(publish(TESTING_V1).kind()).isEqualTo(PublishResult.Kind.PUBLISHED);
        List<String> testing = net.txt(domain.stsRecordName());
        serve(ENFORCE);

        PublishResult refused = publish(ENFORCE);
        assertThat(refused.kind()).isEqualTo(PublishResult.Kind.REFUSED);
        assertThat(((PublishResult.Refused) refused).reason()).isEqualTo(PublishResult.Reason.NOT_READY);
        assertThat(refused.detail()).contains("switches to enforce (published: testing)").contains("no TLS reports were given");
        assertThat(net.txt(domain.stsRecordName())).isEqualTo(testing);

        PublishResult forced = publisher.publish(PublishRequest.builder(domain, ENFORCE.getBytes(StandardCharsets.UTF_8))
                .enforce(true).force("reports reviewed by hand").build());
        assertThat(forced.kind()).as(forced.toString()).isEqualTo(PublishResult.Kind.PUBLISHED);
        assertThat(((PublishResult.Published) forced).forceReason()).contains("reports reviewed by hand");
        assertThat(((PublishResult.Published) forced).id()).startsWith("e");
        assertThat(forced.steps()).anySatisfy(s -> assertThat(s.detail()).contains("forced").contains("reports reviewed by hand"));

        // Enforce is now published (the id says so): editing the enforce policy needs no gate.
        String enforce2 = ENFORCE.replace("604800", "1209600");
        serve(enforce2);
        PublishResult edit = publish(enforce2);
        assertThat(edit.kind()).as(edit.toString()).isEqualTo(PublishResult.Kind.PUBLISHED);
        assertThat(edit.steps()).extracting(PublishResult.Step::name).doesNotContain("gate");
    }

    @Test
    @DisplayName("RFC 2136 §3.2: a publish whose records change just before its update is refused, and the other change stays")
    void aPublishRacingAnotherChangeOverwritesNothing() throws Exception {
        assertThat(publish(TESTING_V1).kind()).isEqualTo(PublishResult.Kind.PUBLISHED);
        serve(TESTING_V2);
        // A proxy in front of Knot makes another administrator's change land between the
        // publisher's read and its update: when the UPDATE message arrives, it first applies that change.
        try (UpdateRaceProxy proxy = new UpdateRaceProxy(net.server,
                () -> net.replaceTxtBehindOurBack(domain.stsRecordName(), "v=STSv1; id=theirs;"))) {
            PolicyPublisher racing = PolicyPublisher.builder()
                    .updater(DnsUpdater.builder().server(proxy.address()).key(net.key("key.bind")).build())
                    .fetcher(fetcher).resolver(net.resolver()).build();
            PublishResult result = racing.publish(PublishRequest.builder(domain, TESTING_V2.getBytes(StandardCharsets.UTF_8)).build());
            assertThat(result.kind()).as(result.toString()).isEqualTo(PublishResult.Kind.REFUSED);
            assertThat(((PublishResult.Refused) result).reason()).isEqualTo(PublishResult.Reason.CONCURRENT_CHANGE);
            assertThat(result.detail()).contains("NXRRSET").contains("nothing was overwritten");
            assertThat(proxy.updates()).isEqualTo(1);
        }
        assertThat(net.txt(domain.stsRecordName())).containsExactly("v=STSv1; id=theirs;");
    }
}
