package org.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** The CLI output contract of the README ("Output contract"), checked key by key. */
final class Contract {
    private Contract() {}

    static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.propertyNames().forEach(keys::add);
        return keys;
    }

    /**
     * {"domain":"...","senders":{"apply":"enforce|testing|none","because":"..."},"policy":{...}|null,
     * "findings":[{"code","severity","message","fix"}]}
     */
    static void checkDocument(JsonNode doc) {
        assertThat(keys(doc)).containsExactly("domain", "senders", "policy", "findings");
        assertThat(doc.get("domain").isString()).isTrue();
        assertThat(keys(doc.get("senders"))).containsExactly("apply", "because");
        assertThat(Set.of("enforce", "testing", "none")).contains(doc.get("senders").get("apply").asString());
        assertThat(doc.get("senders").get("because").asString()).isNotBlank().contains("RFC 8461 §");
        if (!doc.get("policy").isNull()) {
            policy(doc.get("policy"));
        }
        assertThat(doc.get("findings").isArray()).isTrue();
        for (JsonNode f : doc.get("findings")) {
            assertThat(keys(f)).containsExactly("code", "severity", "message", "fix");
            assertThat(f.get("code").asString()).matches("[a-z0-9]+(-[a-z0-9]+)*");
            assertThat(Set.of("error", "warning", "info")).contains(f.get("severity").asString());
            assertThat(f.get("message").asString()).isNotBlank().doesNotContainPattern("[\\x00-\\x08\\x0b-\\x1f]");
        }
    }

    /** {"version":"STSv1","mode":...,"mx":[...],"max_age":N,"extensions":{...}} */
    static void policy(JsonNode policy) {
        assertThat(keys(policy)).containsExactly("version", "mode", "mx", "max_age", "extensions");
        assertThat(policy.get("version").asString()).isEqualTo("STSv1");
        assertThat(Set.of("enforce", "testing", "none")).contains(policy.get("mode").asString());
        assertThat(policy.get("mx").isArray()).isTrue();
        assertThat(policy.get("max_age").isIntegralNumber()).isTrue();
        assertThat(policy.get("extensions").isObject()).isTrue();
    }

    static List<String> codes(JsonNode doc) {
        List<String> codes = new ArrayList<>();
        doc.get("findings").forEach(f -> codes.add(f.get("code").asString()));
        return codes;
    }
}
