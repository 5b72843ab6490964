package org.mtasts.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.mtasts.core.CachedPolicy;
import org.mtasts.reliability.Messages;
import org.mtasts.reliability.fuzz.Fuzzing;

/**
 * The file format of {@link FilePolicyStore} (read back at start-up, after crashes and disk
 * errors), and the Content-Type parser of the policy fetcher (a header from any policy host), on
 * arbitrary bytes. In this package because both are package-private. The first input byte picks
 * the target.
 */
class PolicyStoreFileFuzzTest {
    private static final AtomicLong RUNS = new AtomicLong();
    private static final long START = System.nanoTime();

    @AfterAll
    static void recordRuns() {
        Fuzzing.recordRuns(PolicyStoreFileFuzzTest.class, RUNS, START);
    }
    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void policyStoreFile(byte[] data) {
        RUNS.incrementAndGet();
        if (data.length > 0 && data[0] == 'C') {
            contentType(new String(data, 1, data.length - 1, StandardCharsets.ISO_8859_1));
            return;
        }
        PolicyFileFormat.Decoded decoded = PolicyFileFormat.decode(data);
        CachedPolicy policy = decoded.policy();
        if (policy == null) {
            String problem = decoded.problem();
            if (problem == null) {
                throw new AssertionError("neither a policy nor a problem");
            }
            Messages.requireSafe("PolicyFileFormat problem", problem);
            return;
        }
        byte[] again = PolicyFileFormat.encode(policy);
        PolicyFileFormat.Decoded reread = PolicyFileFormat.decode(again);
        if (!policy.equals(reread.policy())) {
            throw new AssertionError("a decoded entry does not survive encode/decode: " + reread.problem());
        }
        if (!Arrays.equals(again, PolicyFileFormat.encode(reread.policy()))) {
            throw new AssertionError("encoding is not stable");
        }
    }

    private static void contentType(String header) {
        MediaTypes.Parsed parsed = MediaTypes.parse(header);
        if (parsed == null) {
            throw new AssertionError("no result");
        }
        parsed.isTextPlain();
    }
}
