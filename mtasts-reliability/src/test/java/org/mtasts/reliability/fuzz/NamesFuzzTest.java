package org.mtasts.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxPattern;
import org.mtasts.core.ParseResult;
import org.mtasts.reliability.Messages;

/**
 * Domain names and MX patterns (RFC 8461 §3.2, §4.1) from arbitrary bytes: never an exception,
 * canonical round trip, and matching never throws. The input is split at the first NUL into a
 * pattern and a host.
 */
class NamesFuzzTest {
    private static final AtomicLong RUNS = new AtomicLong();
    private static final long START = System.nanoTime();

    @AfterAll
    static void recordRuns() {
        Fuzzing.recordRuns(NamesFuzzTest.class, RUNS, START);
    }

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void names(byte[] data) {
        RUNS.incrementAndGet();
        for (String text : Fuzzing.texts(data)) {
            int nul = text.indexOf('\0');
            String first = nul < 0 ? text : text.substring(0, nul);
            String second = nul < 0 ? text : text.substring(nul + 1);
            ParseResult<DomainName> name = DomainName.parse(second);
            Checks.result("DomainName.parse", second, second.length(), name, DomainName::ascii, DomainName::parse);
            ParseResult<MxPattern> pattern = MxPattern.parse(first);
            Checks.result("MxPattern.parse", first, first.length(), pattern, MxPattern::toText, MxPattern::parse);
            DomainName.isValid(second);
            if (pattern instanceof ParseResult.Valid<MxPattern> p) {
                p.value().matches(second); // a raw string: any text, never an exception
                if (name instanceof ParseResult.Valid<DomainName> n) {
                    boolean byName = p.value().matches(n.value());
                    Messages.requireSafe("DomainName.toString", n.value().toString());
                    if (byName != p.value().matches(n.value().ascii())) {
                        throw new AssertionError("MxPattern.matches disagrees for a name and its text: " + p.value()
                                + " " + n.value());
                    }
                }
            }
        }
    }
}
