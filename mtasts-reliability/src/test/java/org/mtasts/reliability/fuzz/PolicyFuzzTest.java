package org.mtasts.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.mtasts.core.DomainName;
import org.mtasts.core.ParseResult;
import org.mtasts.core.PolicyParser;
import org.mtasts.core.StsPolicy;
import org.mtasts.reliability.Messages;

/**
 * RFC 8461 §3.2: the policy parser on the exact bytes a policy host may serve, strict and lenient:
 * never an exception, byte offsets inside the body, canonical round trip, and every value the
 * strict parser accepts the lenient one accepts identically.
 */
class PolicyFuzzTest {
    private static final AtomicLong RUNS = new AtomicLong();
    private static final long START = System.nanoTime();

    @AfterAll
    static void recordRuns() {
        Fuzzing.recordRuns(PolicyFuzzTest.class, RUNS, START);
    }

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void policy(byte[] body) {
        RUNS.incrementAndGet();
        ParseResult<StsPolicy> strict = PolicyParser.strict().parse(body);
        ParseResult<StsPolicy> lenient = PolicyParser.lenient().parse(body);
        Checks.result("strict policy parse", "bytes", body.length, strict, StsPolicy::toText, StsPolicy::parse);
        Checks.result("lenient policy parse", "bytes", body.length, lenient, StsPolicy::toText, StsPolicy::parse);
        if (strict instanceof ParseResult.Valid<StsPolicy> valid) {
            if (!(lenient instanceof ParseResult.Valid<StsPolicy> v2) || !v2.value().equals(valid.value())) {
                throw new AssertionError("strict accepts what lenient does not: " + Messages.escapeForFailure(
                        new String(body, StandardCharsets.ISO_8859_1)));
            }
            StsPolicy policy = valid.value();
            // Values (extension values may hold any UTF-8) are data: their toString shows them as
            // served. Only messages (errors, warnings, details) must be escaped.
            policy.matches(DomainName.of("mx.example.com")); // never throws
        }
        // The same body as text, as a caller holding a String would parse it.
        String text = new String(body, StandardCharsets.UTF_8);
        Checks.result("policy parse (text)", text, text.length(), PolicyParser.strict().parse(text), StsPolicy::toText,
                StsPolicy::parse);
    }
}
