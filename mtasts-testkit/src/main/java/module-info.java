/**
 * A fake internet on loopback for MTA-STS tests: an authoritative DNS server, HTTPS policy hosts,
 * SMTP STARTTLS responders and a run-time PKI, with fault injection, ready-made domain scenarios,
 * a table-driven {@link org.mtasts.core.TxtResolver}, a movable clock and a JUnit 5 extension.
 *
 * <p>dnsjava and Bouncy Castle are used inside only: no type of theirs appears in the API.
 */
@org.jspecify.annotations.NullMarked
module org.mtasts.testkit {
    requires static org.jspecify;

    requires transitive org.mtasts.core;
    requires transitive org.junit.jupiter.api;
    requires org.dnsjava;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.util;

    exports org.mtasts.testkit;
}
