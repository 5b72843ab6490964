package org.mtasts.postfix;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.SafeText;

/**
 * The netstring framing of Postfix's socketmap protocol: {@code <length>:<data>,}, with the length
 * in decimal ASCII digits (D. J. Bernstein's netstrings, as Postfix's {@code netstring(3)} reads
 * them). {@link #encode} frames one message; a {@link Decoder} reads frames from bytes that arrive
 * in any pieces, with a limit on the data length that is enforced on the length prefix, before the
 * data is read.
 *
 * <pre>{@code
 * byte[] wire = Netstring.encode("postfix example.com");      // "19:postfix example.com,"
 * Netstring.Decoder decoder = new Netstring.Decoder(1000);
 * decoder.feed(ByteBuffer.wrap(wire));
 * Netstring.Frame frame = decoder.next();                     // Frame.Data, or Need, or Invalid
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="http://www.postfix.org/socketmap_table.5.html">Postfix socketmap_table(5)</a>
 * @since 0.1
 */
public final class Netstring {

    /** The most length digits read: 10 digits are more than any limit (up to {@code Integer.MAX_VALUE}). */
    static final int MAX_DIGITS = 10;

    private Netstring() {}

    /**
     * Frames one message.
     *
     * @param data the message bytes
     * @return {@code <length>:<data>,}
     */
    public static byte[] encode(byte[] data) {
        Objects.requireNonNull(data, "data");
        byte[] prefix = (data.length + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(prefix, prefix.length + data.length + 1);
        System.arraycopy(data, 0, out, prefix.length, data.length);
        out[out.length - 1] = ',';
        return out;
    }

    /**
     * Frames one message, its characters encoded in UTF-8.
     *
     * @param text the message
     * @return {@code <length>:<data>,}
     */
    public static byte[] encode(String text) {
        return encode(Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
    }

    /** What {@link Decoder#next()} found. */
    public sealed interface Frame permits Frame.Data, Frame.Need, Frame.Invalid {

        /**
         * One complete message.
         *
         * @param bytes the message, without the framing
         */
        record Data(byte[] bytes) implements Frame {
            /**
             * Copies the bytes.
             *
             * @param bytes the message, without the framing
             */
            public Data {
                bytes = bytes.clone();
            }

            /**
             * Returns a copy of the message.
             *
             * @return the message, without the framing
             */
            @Override
            public byte[] bytes() {
                return bytes.clone();
            }

            /**
             * Returns the message as UTF-8 text; malformed sequences become U+FFFD.
             *
             * @return the text
             */
            public String text() {
                return new String(bytes, StandardCharsets.UTF_8);
            }

            @Override
            public boolean equals(@Nullable Object o) {
                return o instanceof Data d && Arrays.equals(bytes, d.bytes);
            }

            @Override
            public int hashCode() {
                return Arrays.hashCode(bytes);
            }

            @Override
            public String toString() {
                return "Data[" + SafeText.escape(text()) + "]";
            }
        }

        /** The bytes so far are a correct start: more are needed. */
        record Need() implements Frame {}

        /**
         * The bytes are not a netstring, or announce more data than the limit: the stream cannot
         * be read on (there is no way to find the next frame), so the connection is to be closed.
         *
         * @param reason what was wrong, with the offending byte escaped
         * @param oversized whether the length prefix exceeded the limit
         */
        record Invalid(String reason, boolean oversized) implements Frame {
            /**
             * Validates the components.
             *
             * @param reason what was wrong
             * @param oversized whether the length prefix exceeded the limit
             */
            public Invalid {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    /**
     * Reads netstrings from bytes fed in any pieces. Memory is bounded: the decoder holds at most
     * one frame of up to its limit plus what was fed beyond it, which the caller bounds by
     * feeding only what it read into a fixed buffer.
     *
     * <pre>{@code
     * Netstring.Decoder d = new Netstring.Decoder(100);
     * d.feed(ByteBuffer.wrap("5:he".getBytes(StandardCharsets.US_ASCII)));
     * Netstring.Frame first = d.next();                           // Need: "he" of 5 bytes so far
     * d.feed(ByteBuffer.wrap("llo,".getBytes(StandardCharsets.US_ASCII)));
     * Netstring.Frame second = d.next();                          // Data "hello"
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Decoder {
        private final int maxLength;
        private byte[] buf = new byte[64];
        private int start; // first unread byte
        private int end;   // one past the last byte fed
        private boolean failed;

        /**
         * Makes a decoder.
         *
         * @param maxLength the longest data accepted, 0 to 100,000,000 bytes
         */
        public Decoder(int maxLength) {
            if (maxLength < 0 || maxLength > 100_000_000) {
                throw new IllegalArgumentException("maxLength " + maxLength + " is not in 0..100000000");
            }
            this.maxLength = maxLength;
        }

        /**
         * Adds bytes: everything remaining in {@code bytes} is consumed.
         *
         * @param bytes the bytes read from the stream
         */
        public void feed(ByteBuffer bytes) {
            Objects.requireNonNull(bytes, "bytes");
            int n = bytes.remaining();
            if (n == 0) {
                return;
            }
            if (start > 0 && end + n > buf.length) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end + n > buf.length) {
                long want = Math.max((long) buf.length * 2, (long) end + n);
                if (want > Integer.MAX_VALUE - 16) {
                    throw new IllegalStateException("more than 2 GiB buffered: read frames with next() between feeds");
                }
                buf = Arrays.copyOf(buf, (int) want);
            }
            bytes.get(buf, end, n);
            end += n;
        }

        /**
         * Returns how many bytes are fed and not yet returned in a frame.
         *
         * @return the count
         */
        public int buffered() {
            return end - start;
        }

        /**
         * Reads the next frame. After an {@link Frame.Invalid} every call returns it again.
         *
         * @return the frame, {@link Frame.Need} if more bytes are needed, or {@link Frame.Invalid}
         */
        public Frame next() {
            if (failed) {
                return new Frame.Invalid("the stream is past an invalid netstring", false);
            }
            long length = 0;
            int i = start;
            int digits = 0;
            while (true) {
                if (i == end) {
                    return new Frame.Need();
                }
                byte b = buf[i];
                if (b >= '0' && b <= '9') {
                    digits++;
                    if (digits > MAX_DIGITS) {
                        return fail("length prefix longer than " + MAX_DIGITS + " digits", true);
                    }
                    length = length * 10 + (b - '0');
                    if (length > maxLength) {
                        // Refused on the prefix: the data is never waited for (Postfix's limits).
                        return fail("length " + length + (i + 1 < end && isDigit(buf[i + 1]) ? "..." : "")
                                + " exceeds the limit of " + maxLength + " bytes", true);
                    }
                    i++;
                    continue;
                }
                if (b == ':' && digits > 0) {
                    break;
                }
                return fail(digits == 0 ? "expected a length digit, got " + describe(b)
                        : "expected a digit or ':', got " + describe(b), false);
            }
            int dataStart = i + 1;
            long needed = dataStart + length + 1;
            if (needed > end) {
                return new Frame.Need();
            }
            int comma = (int) (dataStart + length);
            if (buf[comma] != ',') {
                return fail("expected ',' after " + length + " bytes of data, got " + describe(buf[comma]), false);
            }
            byte[] data = Arrays.copyOfRange(buf, dataStart, comma);
            start = comma + 1;
            if (start == end) {
                start = 0;
                end = 0;
                if (buf.length > 4096) {
                    buf = new byte[64]; // do not keep a large buffer for an idle connection
                }
            }
            return new Frame.Data(data);
        }

        private Frame fail(String reason, boolean oversized) {
            failed = true;
            return new Frame.Invalid(reason, oversized);
        }

        private static boolean isDigit(byte b) {
            return b >= '0' && b <= '9';
        }

        private static String describe(byte b) {
            int v = b & 0xFF;
            if (v >= 0x21 && v < 0x7F) {
                return "'" + (char) v + "'";
            }
            return String.format("byte 0x%02x", v);
        }
    }
}
