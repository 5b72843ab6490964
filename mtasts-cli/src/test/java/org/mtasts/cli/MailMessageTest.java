package org.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtasts.core.DomainName;

/** The message of {@code send} as written after DATA: CRLF, dot-stuffed, the lone dot last. */
class MailMessageTest {

    static List<Arguments> messages() {
        return List.of(
                Arguments.of("a\r\nb\r\n", "a\r\nb\r\n.\r\n"),
                Arguments.of("a\nb", "a\r\nb\r\n.\r\n"),
                Arguments.of("a\rb\r", "a\r\nb\r\n.\r\n"),
                Arguments.of("a\n\nb\n", "a\r\n\r\nb\r\n.\r\n"),
                Arguments.of(".leading\n", "..leading\r\n.\r\n"),
                Arguments.of("x\n.\ny", "x\r\n..\r\ny\r\n.\r\n"),
                Arguments.of("..two\r\n", "...two\r\n.\r\n"),
                Arguments.of("not.leading.\n", "not.leading.\r\n.\r\n"),
                Arguments.of("\n", "\r\n.\r\n"));
    }

    @ParameterizedTest(name = "RFC 5321 §4.5.2: {0}")
    @MethodSource("messages")
    @DisplayName("RFC 5321 §4.5.2: CRLF line ends, a leading dot doubled, the lone dot last")
    void preparesForData(String message, String data) {
        MailMessage m = MailMessage.of(message.getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(m.data(), StandardCharsets.US_ASCII)).isEqualTo(data);
        assertThat(m.eightBit()).isFalse();
    }

    @Test
    @DisplayName("RFC 5321 §4.5.3.1.6: a line of 998 bytes is sent, one of 999 is refused with its number")
    void limitsLineLength() {
        assertThat(MailMessage.of(("a\n" + "x".repeat(998) + "\n").getBytes(StandardCharsets.US_ASCII)).lines()).isEqualTo(2);
        assertThatThrownBy(() -> MailMessage.of(("a\n" + "x".repeat(999) + "\n").getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 2 is 999 bytes long; SMTP allows 998 (RFC 5321 §4.5.3.1.6)");
    }

    @Test
    @DisplayName("An empty or oversized message is refused")
    void refusesEmptyAndOversized() {
        assertThatThrownBy(() -> MailMessage.of(new byte[0])).hasMessage("the message is empty");
        assertThatThrownBy(() -> MailMessage.of(new byte[MailMessage.MAX_SIZE + 1]))
                .hasMessage("the message is larger than " + MailMessage.MAX_SIZE + " bytes");
    }

    @Test
    @DisplayName("RFC 6152: a byte outside US-ASCII marks the message 8-bit")
    void notesEightBit() {
        assertThat(MailMessage.of("Grüße\n".getBytes(StandardCharsets.UTF_8)).eightBit()).isTrue();
    }

    @Test
    @DisplayName("RFC 5322 §3.6: the generated message has Date, Message-ID, From, To and Subject, then a body")
    void generatesATestMessage() {
        Mailbox from = new Mailbox("postmaster", DomainName.of("sender.example"));
        Mailbox to = new Mailbox("someone", DomainName.of("good.example"));
        MailMessage m = MailMessage.generated(from, to, ZonedDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC), "id1");
        String text = new String(m.data(), StandardCharsets.US_ASCII);
        assertThat(text).startsWith("Date: Fri, 2 Jan 2026 03:04:05 GMT\r\n"
                + "Message-ID: <id1@sender.example>\r\n"
                + "From: <postmaster@sender.example>\r\n"
                + "To: <someone@good.example>\r\n"
                + "Subject: MTA-STS test from mtasts send\r\n")
                .contains("\r\n\r\nThis is a test message from 'mtasts send'.")
                .endsWith("\r\n.\r\n");
        assertThat(m.eightBit()).isFalse();
    }

    // ---------------------------------------------------------------------------------------------
    // Properties

    @Provide
    Arbitrary<byte[]> messagesWithDotsAndLineEnds() {
        return Arbitraries.of((byte) '.', (byte) '\r', (byte) '\n', (byte) 'a', (byte) ' ', (byte) 0xC3)
                .array(byte[].class).ofMinSize(1).ofMaxSize(200);
    }

    @Property(tries = 500)
    @Label("RFC 5321 §4.5.2: the receiver's un-stuffing gives back the message with CRLF line ends")
    void unstuffingRestoresTheMessage(@ForAll("messagesWithDotsAndLineEnds") byte[] message) {
        MailMessage m = MailMessage.of(message);
        String data = new String(m.data(), StandardCharsets.ISO_8859_1);
        assertThat(data).endsWith("\r\n.\r\n");
        String body = data.substring(0, data.length() - 3);
        StringBuilder received = new StringBuilder();
        for (String line : body.split("\r\n", -1)) {
            assertThat(line).doesNotContain("\r", "\n").isNotEqualTo(".");
            received.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
        }
        received.setLength(received.length() - 2); // the split's empty last piece
        assertThat(received.toString()).isEqualTo(crlf(message));
        assertThat(m.size()).isEqualTo(received.length());
    }

    @Property(tries = 500)
    @Label("Any bytes: a message, or an IllegalArgumentException naming the problem")
    void anyBytesGiveAMessageOrAPreciseError(@ForAll byte[] message) {
        try {
            assertThat(MailMessage.of(message).data()).isNotEmpty();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).matches("the message is empty|line \\d+ is \\d+ bytes long; .*");
        }
    }

    /** The reference: every CRLF, lone CR or lone LF is a line end; the last line gets one. */
    private static String crlf(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b == '\r' || b == '\n') {
                out.writeBytes(new byte[] {'\r', '\n'});
                if (b == '\r' && i + 1 < message.length && message[i + 1] == '\n') {
                    i++;
                }
            } else {
                out.write(b);
            }
        }
        String s = out.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r\n") ? s : s + "\r\n";
    }
}
