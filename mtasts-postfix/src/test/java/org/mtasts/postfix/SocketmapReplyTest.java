package org.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every reply shape of the socketmap protocol, as text and on the wire. */
class SocketmapReplyTest {

    private static String wire(SocketmapReply r) {
        return new String(r.toWire(), StandardCharsets.UTF_8);
    }

    @Test
    void everyShape() {
        assertThat(wire(SocketmapReply.ok("secure match=mx.example.com"))).isEqualTo("30:OK secure match=mx.example.com,");
        assertThat(wire(SocketmapReply.notFound())).isEqualTo("9:NOTFOUND ,");
        assertThat(wire(SocketmapReply.temp("dns down"))).isEqualTo("13:TEMP dns down,");
        assertThat(wire(SocketmapReply.perm("bad request"))).isEqualTo("16:PERM bad request,");
    }

    @Test
    void parsesWhatItWrites() {
        for (SocketmapReply r : new SocketmapReply[] {SocketmapReply.ok("dane-only"), SocketmapReply.notFound(),
                SocketmapReply.temp("x y"), SocketmapReply.perm("z"), new SocketmapReply(SocketmapReply.Status.TIMEOUT, "t")}) {
            assertThat(SocketmapReply.parse(r.toText())).isEqualTo(r);
        }
        assertThat(SocketmapReply.parse("NOTFOUND")).isEqualTo(SocketmapReply.notFound());
    }

    @Test
    void escapesControlCharactersInReasonsAndRefusesThemInData() {
        assertThat(SocketmapReply.temp("a\r\nb").data()).doesNotContain("\r", "\n");
        assertThatThrownBy(() -> SocketmapReply.ok("secure\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("control character in socketmap reply data");
        assertThatThrownBy(() -> SocketmapReply.parse("MAYBE x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a socketmap reply: 'MAYBE x'");
    }
}
