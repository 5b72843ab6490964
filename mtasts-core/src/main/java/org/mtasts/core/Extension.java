package org.mtasts.core;

import java.util.Objects;

/**
 * A field that RFC 8461 or RFC 8460 does not define, kept verbatim: parsers MUST accept and may
 * ignore them (RFC 8461 §3.1, §3.2; RFC 8460 §3). The grammar of names and values depends on
 * where the field appears, so the containing type checks it.
 *
 * <pre>{@code
 * StsRecord r = StsRecord.parse("v=STSv1; id=1; note=hello").orElseThrow();
 * Extension e = r.extensions().get(0);   // name "note", value "hello"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the field name, as published
 * @param value the field value, as published (without surrounding whitespace)
 * @since 0.1
 */
public record Extension(String name, String value) {

    /**
     * Validates the components.
     *
     * @param name the field name, as published
     * @param value the field value, as published (without surrounding whitespace)
     */
    public Extension {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** Returns {@code name=value}. */
    @Override
    public String toString() {
        return name + "=" + value;
    }
}
