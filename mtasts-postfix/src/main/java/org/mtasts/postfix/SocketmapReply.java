package org.mtasts.postfix;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.mtasts.core.SafeText;

/**
 * One reply of the Postfix socketmap protocol: {@code OK <data>}, {@code NOTFOUND }, {@code TEMP
 * <reason>} or {@code PERM <reason>}, sent as a netstring ({@link #toWire()}).
 *
 * <pre>{@code
 * SocketmapReply reply = SocketmapReply.ok("secure match=mx.example.com servername=hostname");
 * String text = reply.toText();               // "OK secure match=mx.example.com servername=hostname"
 * SocketmapReply parsed = SocketmapReply.parse(text);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param status the status word
 * @param data the policy for {@code OK}, the reason for {@code TEMP} and {@code PERM}, empty for
 *     {@code NOTFOUND}
 * @see <a href="http://www.postfix.org/socketmap_table.5.html">Postfix socketmap_table(5)</a>
 * @since 0.1
 */
public record SocketmapReply(Status status, String data) {

    /** The reply statuses Postfix's socketmap client understands. */
    public enum Status {
        /** The key was found: the data is the lookup result. */
        OK,
        /** The key was not found: Postfix applies its default TLS policy. */
        NOTFOUND,
        /** A temporary error: Postfix defers the delivery and tries later. */
        TEMP,
        /** A permanent error: Postfix logs a table lookup error (and defers the delivery). */
        PERM,
        /** The server timed out: Postfix treats it like {@code TEMP}. */
        TIMEOUT
    }

    /**
     * Validates the components: the data is one line without control characters.
     *
     * @param status the status word
     * @param data the data or reason
     * @throws IllegalArgumentException if {@code data} holds a control character, or is not
     *     empty for {@code NOTFOUND}
     */
    public SocketmapReply {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(data, "data");
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                throw new IllegalArgumentException("control character in socketmap reply data: "
                        + SafeText.quote(data));
            }
        }
        if (status == Status.NOTFOUND && !data.isEmpty()) {
            throw new IllegalArgumentException("NOTFOUND carries no data: " + SafeText.quote(data));
        }
    }

    /**
     * Returns {@code OK <data>}.
     *
     * @param data the policy
     * @return the reply
     */
    public static SocketmapReply ok(String data) {
        return new SocketmapReply(Status.OK, data);
    }

    /**
     * Returns {@code NOTFOUND }.
     *
     * @return the reply
     */
    public static SocketmapReply notFound() {
        return new SocketmapReply(Status.NOTFOUND, "");
    }

    /**
     * Returns {@code TEMP <reason>}; control characters in the reason are escaped.
     *
     * @param reason why
     * @return the reply
     */
    public static SocketmapReply temp(String reason) {
        return new SocketmapReply(Status.TEMP, SafeText.escape(reason, 400));
    }

    /**
     * Returns {@code PERM <reason>}; control characters in the reason are escaped.
     *
     * @param reason why
     * @return the reply
     */
    public static SocketmapReply perm(String reason) {
        return new SocketmapReply(Status.PERM, SafeText.escape(reason, 400));
    }

    /**
     * Reads a reply's text (without the netstring framing).
     *
     * @param text for instance {@code NOTFOUND } or {@code OK secure}
     * @return the reply
     * @throws IllegalArgumentException if the status word is unknown or a space is missing
     */
    public static SocketmapReply parse(String text) {
        Objects.requireNonNull(text, "text");
        int space = text.indexOf(' ');
        String word = space < 0 ? text : text.substring(0, space);
        String rest = space < 0 ? "" : text.substring(space + 1);
        Status status;
        try {
            status = Status.valueOf(word);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a socketmap reply: " + SafeText.quote(text), e);
        }
        if (!word.equals(status.name())) {
            throw new IllegalArgumentException("not a socketmap reply: " + SafeText.quote(text));
        }
        return new SocketmapReply(status, status == Status.NOTFOUND ? rest.strip() : rest);
    }

    /**
     * Returns the reply as Postfix reads it: the status word, a space, the data ({@code NOTFOUND }
     * keeps its trailing space).
     *
     * @return the text
     */
    public String toText() {
        return status.name() + " " + data;
    }

    /**
     * Returns the reply framed as a netstring, UTF-8.
     *
     * @return the bytes to send
     */
    public byte[] toWire() {
        return Netstring.encode(toText().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return toText();
    }
}
