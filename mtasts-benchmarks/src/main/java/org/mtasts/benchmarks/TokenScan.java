package org.mtasts.benchmarks;

import java.io.InputStream;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The report-reading baseline: Jackson's {@link JsonParser} scanning every token of the input and
 * reading each value (member names, strings as {@link String}s, numbers as {@code long}), which is
 * the least work any reader that looks at the whole report does. Nothing is built or checked.
 */
final class TokenScan {

    /** A factory without limits, as Jackson comes. */
    static final JsonFactory FACTORY = JsonFactory.builder().build();

    private TokenScan() {}

    /** Scans bytes; returns a checksum of what was read, so that nothing can be optimized away. */
    static long scan(byte[] json) {
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), json)) {
            return scan(p);
        }
    }

    /** Scans a stream (the caller closes it). */
    static long scan(InputStream json) {
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), json)) {
            return scan(p);
        }
    }

    /** Scans bytes, token types only: string values are skipped without being decoded. */
    static long scanTokensOnly(byte[] json) {
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), json)) {
            long sum = 0;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                sum += t.ordinal();
            }
            return sum;
        }
    }

    private static long scan(JsonParser p) {
        long sum = 0;
        JsonToken t;
        while ((t = p.nextToken()) != null) {
            switch (t) {
                case PROPERTY_NAME:
                case VALUE_STRING:
                    sum += p.getString().length();
                    break;
                case VALUE_NUMBER_INT:
                    sum += p.getLongValue();
                    break;
                default:
                    sum += t.ordinal();
                    break;
            }
        }
        return sum;
    }
}
