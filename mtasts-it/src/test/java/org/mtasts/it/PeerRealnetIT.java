package org.mtasts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mtasts.core.PolicyMode;

/**
 * The peer's columns of {@link RealnetDomain}, checked by running the peer: postfix-mta-sts-resolver's
 * {@code mta-sts-query} through {@code integration/realnet/peer.sh}, inside the network namespace,
 * once resolving through Unbound (recursive) and once straight from Knot (authoritative only).
 * Skipped, with a note, where setup.sh could not create the namespace (no CAP_SYS_ADMIN).
 */
class PeerRealnetIT {

    private static final Pattern RESULT = Pattern.compile("STSFetchResult\\.([A-Z_]+)");
    private static final Pattern MODE = Pattern.compile("'mode': '([a-z]+)'");
    private static Realnet realnet;

    /** Per test, so that a missing realnet shows as skipped tests with the reason (not as zero tests). */
    @BeforeEach
    void locate() {
        realnet = Realnet.get();
        Assumptions.assumeTrue(realnet.peerAvailable(),
                "the peer's network namespace is missing (setup.sh needs CAP_SYS_ADMIN): peer columns not checked");
        Assumptions.assumeTrue(Files.isExecutable(realnet.peerScript()), "no " + realnet.peerScript());
    }

    /** Starts the peer on one domain. */
    static Process start(RealnetDomain d, boolean authoritative) throws IOException {
        List<String> command = new ArrayList<>(List.of(realnet.peerScript().toString()));
        if (authoritative) {
            command.add("--auth");
        }
        command.add(d.domain().ascii());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        return p;
    }

    /** Waits for a peer run and reads its verdict. */
    static Verdict verdict(Process p) throws IOException, InterruptedException {
        // The peer's own timeouts are 4 s for DNS and for HTTP; its output is a few lines.
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the peer did not finish in 30 s: " + p.info().commandLine().orElse("?"));
        }
        Matcher result = RESULT.matcher(out);
        if (!result.find()) {
            throw new AssertionError("no STSFetchResult in the peer's output (exit " + p.exitValue() + "): " + out);
        }
        switch (result.group(1)) {
            case "VALID":
                Matcher mode = MODE.matcher(out);
                assertThat(mode.find()).as("mode in %s", out).isTrue();
                return Verdict.policy(PolicyMode.fromToken(mode.group(1)).orElseThrow());
            case "NONE":
                return Verdict.NONE;
            case "FETCH_ERROR":
                return Verdict.FETCH_ERROR;
            default:
                throw new AssertionError("unexpected peer result " + result.group(1) + ": " + out);
        }
    }

    @ParameterizedTest(name = "peer on {0}")
    @EnumSource(RealnetDomain.class)
    @DisplayName("the peer's verdicts per domain, through Unbound and from Knot, are as the table says")
    void peerVerdicts(RealnetDomain d) throws IOException, InterruptedException {
        Process viaUnbound = start(d, false);
        Process viaKnot = start(d, true);
        Verdict recursive = verdict(viaUnbound);
        Verdict authoritative = verdict(viaKnot);
        boolean rfc = recursive.sameOutcome(d.rfc()) && authoritative.sameOutcome(d.rfc());
        System.out.println(d + ": peer " + recursive.peerWords() + " via Unbound, " + authoritative.peerWords()
                + " via Knot; RFC " + d.rfc() + "; ours " + d.ours() + (rfc ? "" : "   <-- the peer differs from the RFC"));
        assertThat(recursive).as("%s via Unbound", d).isEqualTo(d.peerRecursive());
        assertThat(authoritative).as("%s via Knot", d).isEqualTo(d.peerAuthoritative());
    }
}
