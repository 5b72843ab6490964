package org.mtasts.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The join of a TXT record's strings, against a byte-level reference. */
class TxtJoinPropertiesTest {

    @Property(tries = 300)
    @Label("RFC 8461 §3.1: joining the strings of a TXT record equals concatenating their bytes")
    void joinEqualsConcatenation(@ForAll @Size(max = 600) byte[] bytes, @ForAll @IntRange(min = 1, max = 255) int chunk) {
        List<byte[]> parts = new ArrayList<>();
        for (int at = 0; at < bytes.length || parts.isEmpty(); at += chunk) {
            int n = Math.min(chunk, bytes.length - at);
            byte[] part = new byte[Math.max(n, 0)];
            System.arraycopy(bytes, at, part, 0, part.length);
            parts.add(part);
        }
        ByteArrayOutputStream rdata = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            rdata.write(part.length);
            rdata.writeBytes(part);
        }
        TXTRecord txt = (TXTRecord) Record.newRecord(Name.root, Type.TXT, DClass.IN, 60, rdata.toByteArray());
        String joined = DnsjavaResolver.join(txt);
        ByteArrayOutputStream reference = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            reference.writeBytes(part);
        }
        assertThat(joined.getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(reference.toByteArray());
        assertThat(joined).hasSize(bytes.length);
    }
}
