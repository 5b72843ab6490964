package org.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The netstring codec: framing, pieces, limits, garbage; and properties for any bytes. */
class NetstringTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static Netstring.Frame decodeAll(Netstring.Decoder d, String wire) {
        d.feed(ByteBuffer.wrap(ascii(wire)));
        return d.next();
    }

    @Test
    void encodesLengthColonDataComma() {
        assertThat(new String(Netstring.encode("postfix example.com"), StandardCharsets.US_ASCII))
                .isEqualTo("19:postfix example.com,");
        assertThat(new String(Netstring.encode(""), StandardCharsets.US_ASCII)).isEqualTo("0:,");
        assertThat(Netstring.encode("é")).hasSize(5); // UTF-8: two bytes
    }

    @Test
    void decodesOneFrameAndThenNeedsMore() {
        Netstring.Decoder d = new Netstring.Decoder(100);
        assertThat(decodeAll(d, "5:hello,")).isEqualTo(new Netstring.Frame.Data(ascii("hello")));
        assertThat(d.next()).isInstanceOf(Netstring.Frame.Need.class);
        assertThat(d.buffered()).isZero();
    }

    @Test
    void decodesAFrameFedOneByteAtATime() {
        Netstring.Decoder d = new Netstring.Decoder(100);
        byte[] wire = ascii("19:postfix example.com,");
        for (int i = 0; i < wire.length - 1; i++) {
            d.feed(ByteBuffer.wrap(wire, i, 1));
            assertThat(d.next()).as("after %d bytes", i + 1).isInstanceOf(Netstring.Frame.Need.class);
        }
        d.feed(ByteBuffer.wrap(wire, wire.length - 1, 1));
        assertThat(((Netstring.Frame.Data) d.next()).text()).isEqualTo("postfix example.com");
    }

    @Test
    void decodesSeveralFramesFromOnePiece() {
        Netstring.Decoder d = new Netstring.Decoder(100);
        d.feed(ByteBuffer.wrap(ascii("1:a,2:bc,0:,3:d")));
        assertThat(((Netstring.Frame.Data) d.next()).text()).isEqualTo("a");
        assertThat(((Netstring.Frame.Data) d.next()).text()).isEqualTo("bc");
        assertThat(((Netstring.Frame.Data) d.next()).text()).isEmpty();
        assertThat(d.next()).isInstanceOf(Netstring.Frame.Need.class);
        assertThat(d.buffered()).isEqualTo(3);
    }

    @Test
    void refusesAnOversizedLengthPrefixBeforeTheData() {
        Netstring.Decoder d = new Netstring.Decoder(1000);
        // Only the prefix has arrived: refused at once, never waiting for 1001 bytes.
        assertThat(decodeAll(d, "1001")).isInstanceOfSatisfying(Netstring.Frame.Invalid.class, i -> {
            assertThat(i.oversized()).isTrue();
            assertThat(i.reason()).isEqualTo("length 1001 exceeds the limit of 1000 bytes");
        });
        assertThat(new Netstring.Decoder(1000).next()).isInstanceOf(Netstring.Frame.Need.class);
        assertThat(decodeAll(new Netstring.Decoder(10), "99999999999999999999:"))
                .isInstanceOfSatisfying(Netstring.Frame.Invalid.class, i -> assertThat(i.oversized()).isTrue());
    }

    @Test
    void garbageIsInvalidWithTheOffendingByte() {
        assertThat(decodeAll(new Netstring.Decoder(100), "GET / HTTP/1.0"))
                .isEqualTo(new Netstring.Frame.Invalid("expected a length digit, got 'G'", false));
        assertThat(decodeAll(new Netstring.Decoder(100), ":abc,"))
                .isEqualTo(new Netstring.Frame.Invalid("expected a length digit, got ':'", false));
        assertThat(decodeAll(new Netstring.Decoder(100), "3x"))
                .isEqualTo(new Netstring.Frame.Invalid("expected a digit or ':', got 'x'", false));
        assertThat(decodeAll(new Netstring.Decoder(100), "3:abc;"))
                .isEqualTo(new Netstring.Frame.Invalid("expected ',' after 3 bytes of data, got ';'", false));
        assertThat(decodeAll(new Netstring.Decoder(100), "\n"))
                .isEqualTo(new Netstring.Frame.Invalid("expected a length digit, got byte 0x0a", false));
    }

    @Test
    void staysInvalidAfterAnError() {
        Netstring.Decoder d = new Netstring.Decoder(100);
        decodeAll(d, "x");
        d.feed(ByteBuffer.wrap(ascii("1:a,")));
        assertThat(d.next()).isInstanceOf(Netstring.Frame.Invalid.class);
    }

    @Test
    void refusesABadLimit() {
        assertThatThrownBy(() -> new Netstring.Decoder(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxLength -1 is not in 0..100000000");
    }

    @Property
    void roundTripsAnyBytesInAnyPieces(@ForAll @Size(max = 20) List<@Size(max = 300) byte[]> messages,
            @ForAll @IntRange(min = 1, max = 50) int piece) {
        java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
        for (byte[] m : messages) {
            wire.writeBytes(Netstring.encode(m));
        }
        byte[] all = wire.toByteArray();
        Netstring.Decoder d = new Netstring.Decoder(300);
        List<byte[]> got = new ArrayList<>();
        for (int i = 0; i < all.length; i += piece) {
            d.feed(ByteBuffer.wrap(all, i, Math.min(piece, all.length - i)));
            Netstring.Frame f;
            while ((f = d.next()) instanceof Netstring.Frame.Data data) {
                got.add(data.bytes());
            }
            assertThat(f).isInstanceOf(Netstring.Frame.Need.class);
        }
        assertThat(got).hasSize(messages.size());
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).isEqualTo(messages.get(i));
        }
        assertThat(d.buffered()).isZero();
    }

    @Property
    void neverThrowsAndStaysBoundedOnArbitraryBytes(@ForAll("junk") byte[] bytes,
            @ForAll @IntRange(min = 1, max = 64) int piece) {
        Netstring.Decoder d = new Netstring.Decoder(1000);
        for (int i = 0; i < bytes.length; i += piece) {
            d.feed(ByteBuffer.wrap(bytes, i, Math.min(piece, bytes.length - i)));
            Netstring.Frame f;
            do {
                f = d.next();
            } while (f instanceof Netstring.Frame.Data);
            if (f instanceof Netstring.Frame.Invalid) {
                return;
            }
            // Need: what is buffered is at most one frame in progress of at most the limit.
            assertThat(d.buffered()).isLessThanOrEqualTo(1000 + 12);
        }
    }

    @Provide
    Arbitrary<byte[]> junk() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
        Arbitrary<byte[]> framed = Arbitraries.strings().withChars("0123456789:,ab ").ofMaxLength(200)
                .map(s -> s.getBytes(StandardCharsets.US_ASCII));
        return Arbitraries.oneOf(random, framed);
    }
}
