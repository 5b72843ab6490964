package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtasts.core.DomainName;
import org.mtasts.core.ReportUri;

/** The values of the mail path: {@link ReportMail}, {@link MailResult}, and {@link ReportResult}'s rules. */
class ReportMailTest {
    static final byte[] MESSAGE = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
    static final DomainName DOMAIN = DomainName.of("example.com");

    @Test
    @DisplayName("A ReportMail keeps its own copy of the message and gives out copies")
    void copiesTheMessage() throws IOException {
        byte[] bytes = MESSAGE.clone();
        ReportMail mail = ReportMail.of("a@mail.example.net", "b@example.com", bytes, DOMAIN, "r1");
        bytes[0] = 'X';
        assertThat(mail.message()).isEqualTo(MESSAGE);
        mail.message()[0] = 'Y';
        assertThat(mail.message()).isEqualTo(MESSAGE);
        assertThat(mail.messageStream().readAllBytes()).isEqualTo(MESSAGE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.writeTo(out);
        assertThat(out.toByteArray()).isEqualTo(MESSAGE);
        assertThat(mail.size()).isEqualTo(MESSAGE.length);
        ReportMail signed = mail.withMessage("DKIM-Signature: x\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(signed.recipient()).isEqualTo("b@example.com");
        assertThat(signed.reportId()).isEqualTo("r1");
        assertThat(signed.toString()).contains("a@mail.example.net -> b@example.com", "19 bytes");
    }

    @ParameterizedTest(name = "RFC 5321 §4.1.2: envelope address ''{0}'' is refused")
    @ValueSource(strings = {"", "nobody", "@example.com", "a@", "a b@example.com", "a@example.com>", "<a@example.com",
        "a\r\n@example.com"})
    void refusesUnusableEnvelopeAddresses(String address) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ReportMail.of(address, "b@example.com", MESSAGE, DOMAIN, "r1"))
                .withMessageContaining("envelopeSender");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ReportMail.of("a@example.com", address, MESSAGE, DOMAIN, "r1"))
                .withMessageContaining("recipient");
    }

    @Test
    @DisplayName("An empty message or a blank report id is refused")
    void refusesEmptyParts() {
        assertThatIllegalArgumentException().isThrownBy(() -> ReportMail.of("a@x.example", "b@x.example", new byte[0],
                DOMAIN, "r1")).withMessageContaining("empty");
        assertThatIllegalArgumentException().isThrownBy(() -> ReportMail.of("a@x.example", "b@x.example", MESSAGE,
                DOMAIN, " ")).withMessageContaining("blank");
    }

    @Test
    @DisplayName("MailResult: only FAILED is retryable")
    void mailResultKinds() {
        assertThat(MailResult.accepted("250 ok").accepted()).isTrue();
        assertThat(MailResult.accepted("250 ok").retryable()).isFalse();
        assertThat(MailResult.rejected("550 no").retryable()).isFalse();
        assertThat(MailResult.failed("451 later").retryable()).isTrue();
        assertThat(MailResult.failed("451 later").kind()).isEqualTo(MailResult.Kind.FAILED);
    }

    @Test
    @DisplayName("ReportResult: a destination goes with destination kinds, a next attempt with FAILED_WILL_RETRY")
    void reportResultRules() {
        Instant at = Instant.parse("2026-01-02T01:00:00Z");
        LocalDate day = LocalDate.of(2026, 1, 1);
        ReportUri uri = ReportUri.of("https://reports.example.com/v1");
        ReportResult retry = new ReportResult(at, day, DOMAIN, "r1", uri, ReportResult.Kind.FAILED_WILL_RETRY,
                "HTTP status 503\n", 2, at.plusSeconds(600));
        assertThat(retry.toString()).isEqualTo("2026-01-02T01:00:00Z 2026-01-01 example.com https://reports.example.com/v1:"
                + " failed-will-retry (attempt 2), next attempt 2026-01-02T01:10:00Z: HTTP status 503\\u000a");
        assertThatIllegalArgumentException().isThrownBy(() -> new ReportResult(at, day, DOMAIN, "r1", null,
                ReportResult.Kind.DELIVERED, "", 1, null)).withMessageContaining("needs a destination");
        assertThatIllegalArgumentException().isThrownBy(() -> new ReportResult(at, day, DOMAIN, "r1", uri,
                ReportResult.Kind.NO_RECORD, "", 1, null)).withMessageContaining("about the report");
        assertThatIllegalArgumentException().isThrownBy(() -> new ReportResult(at, day, DOMAIN, "r1", uri,
                ReportResult.Kind.FAILED_WILL_RETRY, "", 1, null)).withMessageContaining("next attempt");
        assertThatIllegalArgumentException().isThrownBy(() -> new ReportResult(at, day, DOMAIN, "r1", uri,
                ReportResult.Kind.DELIVERED, "", -1, null)).withMessageContaining("negative");
        // FAILED_WILL_RETRY and GAVE_UP may be about the look-up as well.
        assertThat(new ReportResult(at, day, DOMAIN, "r1", null, ReportResult.Kind.GAVE_UP, "dns", 12, null).destination())
                .isNull();
    }
}
