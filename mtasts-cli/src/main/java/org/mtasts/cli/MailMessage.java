package org.mtasts.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The message {@code send} delivers, ready for {@code DATA} (RFC 5321 §4.1.1.4): lines end in
 * CRLF (a bare LF or CR becomes CRLF), a line starting with a dot gets a second one (§4.5.2), and
 * the lone dot ends it.
 *
 * <p>Bounded: at most {@link #MAX_SIZE} bytes, lines of at most {@link #MAX_LINE} bytes without
 * the CRLF (RFC 5321 §4.5.3.1.6, RFC 5322 §2.1.1).
 *
 * @param data the bytes to write after the server's {@code 354}, up to and including {@code .CRLF}
 * @param size the message's size in bytes, CRLF line ends, before dot-stuffing
 * @param lines the message's line count
 * @param eightBit whether a byte is outside US-ASCII (then {@code BODY=8BITMIME}, RFC 6152, when the
 *     server offers it)
 */
record MailMessage(byte[] data, int size, int lines, boolean eightBit) {

    /** The largest message read from a file: 10 MiB. */
    static final int MAX_SIZE = 10 * 1024 * 1024;
    /** The longest line, without its CRLF (RFC 5321 §4.5.3.1.6: 1000 octets with it). */
    static final int MAX_LINE = 998;

    /**
     * Prepares a message given as bytes.
     *
     * @param message an RFC 5322 message, any line ends
     * @return the message
     * @throws IllegalArgumentException if it is empty, too large, or has a line that is too long
     */
    static MailMessage of(byte[] message) {
        if (message.length == 0) {
            throw new IllegalArgumentException("the message is empty");
        }
        if (message.length > MAX_SIZE) {
            throw new IllegalArgumentException("the message is larger than " + MAX_SIZE + " bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + message.length / 40 + 8);
        int size = 0;
        int lines = 0;
        boolean eightBit = false;
        int i = 0;
        while (i < message.length) {
            int start = i;
            while (i < message.length && message[i] != '\n' && message[i] != '\r') {
                eightBit |= message[i] < 0;
                i++;
            }
            int length = i - start;
            lines++;
            if (length > MAX_LINE) {
                throw new IllegalArgumentException("line " + lines + " is " + length + " bytes long; SMTP allows "
                        + MAX_LINE + " (RFC 5321 §4.5.3.1.6)");
            }
            if (length > 0 && message[start] == '.') {
                out.write('.'); // RFC 5321 §4.5.2: transparency
            }
            out.write(message, start, length);
            out.write('\r');
            out.write('\n');
            size += length + 2;
            if (i < message.length) {
                i += message[i] == '\r' && i + 1 < message.length && message[i + 1] == '\n' ? 2 : 1;
            }
        }
        out.write('.');
        out.write('\r');
        out.write('\n');
        return new MailMessage(out.toByteArray(), size, lines, eightBit);
    }

    /**
     * Reads the message of {@code --message FILE}.
     *
     * @param file the file
     * @return the message
     * @throws MtastsCli.UsageException if the file is missing, unreadable, empty, too large or has
     *     too long a line
     */
    static MailMessage read(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_SIZE + 1);
        } catch (NoSuchFileException e) {
            throw new MtastsCli.UsageException("--message: no such file: " + file);
        } catch (IOException e) {
            throw new MtastsCli.UsageException("--message: cannot read " + file + ": " + TlsProbe.printable(e.getMessage()));
        }
        try {
            return of(bytes);
        } catch (IllegalArgumentException e) {
            throw new MtastsCli.UsageException("--message " + file + ": " + e.getMessage());
        }
    }

    /**
     * Writes the small test message sent without {@code --message} (RFC 5322: Date, Message-ID,
     * From, To, Subject, then the body).
     *
     * @param from the sender
     * @param to the recipient
     * @param date the Date header's instant and zone
     * @param uniquePart the left part of the Message-ID (unique per message)
     * @return the message
     */
    static MailMessage generated(Mailbox from, Mailbox to, ZonedDateTime date, String uniquePart) {
        String text = "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT).format(date) + "\r\n"
                + "Message-ID: <" + uniquePart + "@" + from.domain().ascii() + ">\r\n"
                + "From: <" + from + ">\r\n"
                + "To: <" + to + ">\r\n"
                + "Subject: MTA-STS test from mtasts send\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n"
                + "This is a test message from 'mtasts send'. It delivers mail to " + to.domain().ascii() + "\r\n"
                + "as a sending MTA that honours MTA-STS (RFC 8461) does: it applies the domain's\r\n"
                + "policy to the MX hosts and checks the MX host's certificate during STARTTLS.\r\n";
        return of(text.getBytes(StandardCharsets.US_ASCII));
    }
}
