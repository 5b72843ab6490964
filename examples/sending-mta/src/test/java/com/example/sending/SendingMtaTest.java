package com.example.sending;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.DomainName;
import org.mtasts.core.TxtAnswer;

class SendingMtaTest {
    @TempDir
    Path state;

    @Test
    void aDomainWithoutAnStsRecordMayUseEveryMxHost() throws Exception {
        List<String> plan = SendingMta.plan(name -> CompletableFuture.completedFuture(new TxtAnswer.NoRecords(true)),
                state, DomainName.of("example.com"), List.of(DomainName.of("mx1.example.com")));
        assertEquals(List.of("mx1.example.com: use (NO_POLICY)"), plan);
    }

    @Test
    void aDnsFailureWithNothingCachedIsDeferred() throws Exception {
        List<String> plan = SendingMta.plan(
                name -> CompletableFuture.completedFuture(new TxtAnswer.TemporaryFailure("SERVFAIL", null)),
                state, DomainName.of("example.com"), List.of());
        assertEquals(List.of("example.com: DNS failed and no policy is cached: defer"), plan);
    }
}
