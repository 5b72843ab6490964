package org.mtasts.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtasts.core.Extension;
import org.mtasts.core.MxPattern;
import org.mtasts.core.ParseWarning;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.SyntaxError;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** JSON documents of the CLI output contract, built from ordered maps. */
final class Json {
    private Json() {}

    static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** An ordered object. */
    static Map<String, Object> object() {
        return new LinkedHashMap<>();
    }

    static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    /** {@code {"name":"value",...}} in published order. */
    static Map<String, Object> extensions(List<Extension> extensions) {
        Map<String, Object> out = object();
        for (Extension e : extensions) {
            out.put(e.name(), e.value());
        }
        return out;
    }

    /** The contract's policy object: version, mode, mx, max_age (after clamping), extensions. */
    static Map<String, Object> policy(StsPolicy policy) {
        Map<String, Object> out = object();
        out.put("version", StsPolicy.VERSION);
        out.put("mode", policy.mode().token());
        List<String> mx = new ArrayList<>();
        for (MxPattern p : policy.mx()) {
            mx.add(p.toText());
        }
        out.put("mx", mx);
        out.put("max_age", policy.maxAge());
        out.put("extensions", extensions(policy.extensions()));
        return out;
    }

    static Map<String, Object> warning(ParseWarning w) {
        Map<String, Object> out = object();
        out.put("line", w.line());
        out.put("column", w.column());
        out.put("rule", w.rule());
        out.put("code", w.code());
        out.put("message", w.detail());
        return out;
    }

    /** The contract's error object; {@code withLine} for policies (records are one line). */
    static Map<String, Object> error(SyntaxError e, boolean withLine) {
        Map<String, Object> out = object();
        if (withLine) {
            out.put("line", e.line());
        }
        out.put("column", e.column());
        out.put("rule", e.rule());
        out.put("code", e.code());
        out.put("message", e.detail());
        return out;
    }
}
