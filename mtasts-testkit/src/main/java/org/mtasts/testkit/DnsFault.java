package org.mtasts.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * A fault the sandbox DNS server injects for queries of one name, whatever their type.
 *
 * <pre>{@code
 * DomainSpec spec = DomainSpec.of("example.test")
 *         .dnsFault("_mta-sts.example.test", DnsFault.SERVFAIL)
 *         .dnsFault("_smtp._tls.example.test", DnsFault.delay(Duration.ofMillis(300)));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind what the server does
 * @param delay for {@link Kind#DELAY}, how long to wait before answering; zero otherwise
 * @since 0.1
 */
public record DnsFault(Kind kind, Duration delay) {

    /** What the server does instead of answering normally. */
    public enum Kind {
        /** Answers with RCODE SERVFAIL (2). */
        SERVFAIL,
        /** Answers with RCODE REFUSED (5). */
        REFUSED,
        /** Never answers (over UDP the query is dropped; over TCP the connection stays silent). */
        NO_ANSWER,
        /** Over UDP, answers with the TC bit and no records, so the client retries over TCP. */
        TRUNCATE,
        /** Answers correctly, but with a different message id. */
        WRONG_ID,
        /** Answers with a few bytes that are not a DNS message. */
        GARBAGE,
        /** Answers correctly after {@link DnsFault#delay()}. */
        DELAY
    }

    /** RCODE SERVFAIL. */
    public static final DnsFault SERVFAIL = new DnsFault(Kind.SERVFAIL, Duration.ZERO);
    /** RCODE REFUSED. */
    public static final DnsFault REFUSED = new DnsFault(Kind.REFUSED, Duration.ZERO);
    /** No answer at all: the client times out. */
    public static final DnsFault NO_ANSWER = new DnsFault(Kind.NO_ANSWER, Duration.ZERO);
    /** Truncated over UDP, complete over TCP. */
    public static final DnsFault TRUNCATE = new DnsFault(Kind.TRUNCATE, Duration.ZERO);
    /** A reply whose id does not match the query's. */
    public static final DnsFault WRONG_ID = new DnsFault(Kind.WRONG_ID, Duration.ZERO);
    /** A reply that is not a DNS message. */
    public static final DnsFault GARBAGE = new DnsFault(Kind.GARBAGE, Duration.ZERO);

    /**
     * Validates the components.
     *
     * @param kind what the server does
     * @param delay for {@link Kind#DELAY}, how long to wait before answering; zero otherwise
     */
    public DnsFault {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(delay, "delay");
        if (kind == Kind.DELAY ? delay.isNegative() || delay.isZero() : !delay.isZero()) {
            throw new IllegalArgumentException("a " + kind + " fault cannot have a delay of " + delay);
        }
    }

    /**
     * Returns a fault that answers correctly after a delay (real time, not the sandbox clock: it is
     * meant for client timeouts).
     *
     * @param delay how long, positive
     * @return the fault
     */
    public static DnsFault delay(Duration delay) {
        return new DnsFault(Kind.DELAY, delay);
    }
}
