package org.mtasts.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.mtasts.postfix.Netstring;
import org.mtasts.postfix.SocketmapReply;
import org.mtasts.reliability.Messages;

/**
 * The socketmap netstring codec of mtasts-postfix on arbitrary bytes fed in arbitrary pieces:
 * never an exception, bounded memory, every frame read is exactly the bytes it was framed from,
 * and error messages without raw control characters. Also the reply parser of the admin client.
 */
class NetstringFuzzTest {
    private static final AtomicLong RUNS = new AtomicLong();
    private static final long START = System.nanoTime();
    private static final int LIMIT = 1000;

    @AfterAll
    static void recordRuns() {
        Fuzzing.recordRuns(NetstringFuzzTest.class, RUNS, START);
    }

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void decoder(byte[] data) {
        RUNS.incrementAndGet();
        int piece = data.length == 0 ? 1 : 1 + (data[0] & 0x3F); // the first byte picks the piece size
        Netstring.Decoder decoder = new Netstring.Decoder(LIMIT);
        ByteArrayOutputStream reencoded = new ByteArrayOutputStream();
        int consumed = 0;
        boolean invalid = false;
        for (int i = 0; i < data.length && !invalid; i += piece) {
            int n = Math.min(piece, data.length - i);
            decoder.feed(ByteBuffer.wrap(data, i, n));
            consumed += n;
            Netstring.Frame f;
            while ((f = decoder.next()) instanceof Netstring.Frame.Data d) {
                if (d.bytes().length > LIMIT) {
                    throw new AssertionError("a frame of " + d.bytes().length + " bytes passed the limit " + LIMIT);
                }
                reencoded.writeBytes(Netstring.encode(d.bytes()));
            }
            if (f instanceof Netstring.Frame.Invalid bad) {
                Messages.requireSafe("Netstring.Decoder", bad.reason());
                invalid = true;
            } else if (decoder.buffered() > LIMIT + 12) {
                throw new AssertionError("the decoder holds " + decoder.buffered() + " bytes of an unfinished frame");
            }
        }
        // What was read is exactly the prefix of the input before what is still buffered.
        byte[] framed = reencoded.toByteArray();
        if (!invalid) {
            byte[] prefix = Arrays.copyOfRange(data, 0, consumed - decoder.buffered());
            if (!Arrays.equals(prefix, framed)) {
                throw new AssertionError("frames do not re-encode to the bytes they came from");
            }
        }
        for (String text : Fuzzing.texts(data)) {
            try {
                SocketmapReply reply = SocketmapReply.parse(text);
                Messages.requireSafe("SocketmapReply.parse", reply.toText());
            } catch (IllegalArgumentException e) {
                Messages.requireSafe("SocketmapReply.parse error", e.getMessage());
            }
        }
    }
}
