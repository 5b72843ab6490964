package org.mtasts.http.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.StsRecord;
import org.junit.jupiter.api.Test;

class PolicyIdTest {
    /** RFC 8461 §3.1: sts-id = 1*32(ALPHA / DIGIT). */
    static final Pattern STS_ID = Pattern.compile("[A-Za-z0-9]{1,32}");

    @Property
    @Label("RFC 8461 §3.1: every derived id is 1 to 32 letters and digits, and a valid record id")
    void everyIdIsInTheAbnf(@ForAll byte[] body, @ForAll PolicyMode mode) {
        String id = PolicyId.of(mode, body);
        assertThat(id).matches(STS_ID).hasSize(PolicyId.LENGTH);
        assertThat(StsRecord.isValidId(id)).isTrue();
        assertThat(StsRecord.parse(StsRecord.of(id).toText()).isValid()).isTrue();
    }

    @Property
    @Label("the same bytes give the same id; the id tells the mode it was derived for")
    void deterministicAndCarriesTheMode(@ForAll byte[] body, @ForAll PolicyMode mode) {
        String id = PolicyId.of(mode, body);
        assertThat(PolicyId.of(mode, body.clone())).isEqualTo(id);
        assertThat(PolicyId.mode(id)).contains(mode);
    }

    @Property
    @Label("one changed byte changes the id")
    void aChangedPolicyGetsANewId(@ForAll byte[] body, @ForAll PolicyMode mode) {
        byte[] changed = new byte[body.length + 1];
        System.arraycopy(body, 0, changed, 0, body.length);
        assertThat(PolicyId.of(mode, changed)).isNotEqualTo(PolicyId.of(mode, body));
    }

    @Test
    void isTheModeInitialThenBase32OfSha256() {
        // SHA-256("") = e3b0c442 98fc1c14 ...; base32 (RFC 4648 §6) of it starts 4oymiquy7qobj...
        assertThat(PolicyId.of(PolicyMode.ENFORCE, new byte[0])).isEqualTo("e4oymiquy7qobjgx36tejs35zeqt24qp");
        assertThat(PolicyId.of(PolicyMode.TESTING, "version: STSv1\n".getBytes(StandardCharsets.UTF_8))).startsWith("t");
    }

    @Test
    void idsNotMadeByDerivationTellNoMode() {
        assertThat(PolicyId.mode("20260101T000000Z")).isEmpty();
        assertThat(PolicyId.mode("e".repeat(31) + "1")).isEmpty();          // 1 is not base32
        assertThat(PolicyId.mode("x" + "a".repeat(31))).isEmpty();          // no mode starts with x
        assertThat(PolicyId.mode("e" + "a".repeat(30))).isEmpty();          // 31 characters
    }
}
