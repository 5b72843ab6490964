package org.mtasts.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An MTA-STS policy: the body served at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}
 * (RFC 8461 §3.2).
 *
 * <p>{@link #parse(byte[])} follows the ABNF exactly (see {@link PolicyParser} for the details and
 * a lenient variant); {@link #toText()} writes the canonical form, CRLF-terminated, so that {@code
 * parse(p.toText())} equals {@code p}. {@link #maxAge()} is already clamped to {@link
 * #MAX_AGE_LIMIT} (erratum 7282; the parse result carries a warning when that happened).
 *
 * <pre>{@code
 * StsPolicy policy = StsPolicy.parse(body).orElseThrow();
 * if (policy.mode() == PolicyMode.ENFORCE && !policy.matches(DomainName.of("mx1.example.com"))) {
 *     // RFC 8461 §4.1: this MX host is not allowed; try the next one
 * }
 * StsPolicy generated = StsPolicy.builder()
 *         .mode(PolicyMode.TESTING).mx("mx1.example.com").mx("*.mail.example.com")
 *         .maxAge(Duration.ofDays(7)).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param mode the mode
 * @param mx the mx patterns in published order (empty only in mode none)
 * @param maxAge seconds the policy may be cached, 0 to {@link #MAX_AGE_LIMIT}
 * @param extensions unknown fields in published order, names unique
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.2">RFC 8461 §3.2</a>
 * @since 0.1
 */
public record StsPolicy(PolicyMode mode, List<MxPattern> mx, long maxAge, List<Extension> extensions) {

    /** The only version defined (RFC 8461 §3.2). */
    public static final String VERSION = "STSv1";

    /** The largest {@code max_age}, about one year (RFC 8461 §3.2; larger values are clamped). */
    public static final long MAX_AGE_LIMIT = 31_557_600L;

    /** The field names the RFC defines; extensions may not use them. */
    static final Set<String> KNOWN_FIELDS = Set.of("version", "mode", "mx", "max_age");

    /**
     * Validates and copies the components.
     *
     * @param mode the mode
     * @param mx the mx patterns in published order (empty only in mode none)
     * @param maxAge seconds the policy may be cached, 0 to {@link #MAX_AGE_LIMIT}
     * @param extensions unknown fields in published order, names unique
     */
    public StsPolicy {
        Objects.requireNonNull(mode, "mode");
        mx = List.copyOf(mx);
        extensions = List.copyOf(extensions);
        if (maxAge < 0 || maxAge > MAX_AGE_LIMIT) {
            throw new IllegalArgumentException(
                    "max_age " + maxAge + " is outside 0.." + MAX_AGE_LIMIT + " (RFC 8461 §3.2)");
        }
        if (mx.isEmpty() && mode != PolicyMode.NONE) {
            throw new IllegalArgumentException(
                    "a policy in mode " + mode.token() + " needs at least one mx (RFC 8461 §3.2)");
        }
        if (!extensions.isEmpty()) {
            Set<String> names = new HashSet<>();
            for (Extension e : extensions) {
                String problem = PolicyParser.extensionProblem(e);
                if (problem != null) {
                    throw new IllegalArgumentException("extension " + Texts.printable(e.toString())
                            + ": " + problem + " (RFC 8461 §3.2)");
                }
                if (!names.add(e.name())) {
                    throw new IllegalArgumentException("duplicate extension " + e.name());
                }
            }
        }
    }

    /**
     * Parses a policy body with the strict parser.
     *
     * @param body the exact bytes served
     * @return the policy (with warnings), or the first error with line and column
     */
    public static ParseResult<StsPolicy> parse(byte[] body) {
        return PolicyParser.strict().parse(body);
    }

    /**
     * Parses a policy body with the strict parser.
     *
     * @param body the body as text
     * @return the policy (with warnings), or the first error with line and column
     */
    public static ParseResult<StsPolicy> parse(CharSequence body) {
        return PolicyParser.strict().parse(body);
    }

    /** {@return {@link #maxAge()} as a duration} */
    public Duration maxAgeDuration() {
        return Duration.ofSeconds(maxAge);
    }

    /**
     * Returns whether some mx pattern matches the host (RFC 8461 §4.1). Allocation-free. The mode
     * is not considered: see {@link DeliveryDecision} for what a sender does with the answer.
     *
     * @param host the MX host name from DNS
     * @return true if the policy lists the host
     */
    public boolean matches(DomainName host) {
        List<MxPattern> patterns = mx;
        for (int i = 0, n = patterns.size(); i < n; i++) {
            if (patterns.get(i).matches(host)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@return the canonical body: {@code version}, {@code mode}, each {@code mx}, {@code max_age},
     * then the extensions, each line ending in CRLF (RFC 8461 §3.2)}
     */
    public String toText() {
        StringBuilder out = new StringBuilder(64 + 32 * mx.size());
        out.append("version: ").append(VERSION).append("\r\n");
        out.append("mode: ").append(mode.token()).append("\r\n");
        for (MxPattern p : mx) {
            out.append("mx: ").append(p.toText()).append("\r\n");
        }
        out.append("max_age: ").append(maxAge).append("\r\n");
        for (Extension e : extensions) {
            out.append(e.name()).append(": ").append(e.value()).append("\r\n");
        }
        return out.toString();
    }

    /**
     * {@return the lines of {@link #toText()} without terminators: the {@code policy-string} of a
     * TLS-RPT report (RFC 8460 §4.4)}
     */
    public List<String> toLines() {
        List<String> lines = new ArrayList<>(4 + mx.size() + extensions.size());
        lines.add("version: " + VERSION);
        lines.add("mode: " + mode.token());
        for (MxPattern p : mx) {
            lines.add("mx: " + p.toText());
        }
        lines.add("max_age: " + maxAge);
        for (Extension e : extensions) {
            lines.add(e.name() + ": " + e.value());
        }
        return List.copyOf(lines);
    }

    /** {@return a builder for a new policy} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder initialized with this policy's values} */
    public Builder newBuilder() {
        Builder b = new Builder().mode(mode).maxAge(maxAge);
        b.mx.addAll(mx);
        b.extensions.addAll(extensions);
        return b;
    }

    /**
     * Builds a policy for publishing. Checks every value as the parser would.
     *
     * <pre>{@code
     * StsPolicy p = StsPolicy.builder().mode(PolicyMode.ENFORCE)
     *         .mx("mx1.example.com").maxAge(Duration.ofDays(14)).build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private PolicyMode mode = PolicyMode.TESTING;
        private long maxAge = 604_800L;
        private final List<MxPattern> mx = new ArrayList<>();
        private final List<Extension> extensions = new ArrayList<>();

        private Builder() {}

        /**
         * Sets the mode (default {@code testing}, the safe first step of a roll-out).
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder mode(PolicyMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Adds an mx pattern.
         *
         * @param pattern {@code mx.example.com} or {@code *.example.com}, A-labels
         * @return this builder
         * @throws SyntaxErrorException if the pattern breaks the grammar
         */
        public Builder mx(String pattern) {
            this.mx.add(MxPattern.of(pattern));
            return this;
        }

        /**
         * Adds an mx pattern.
         *
         * @param pattern the pattern
         * @return this builder
         */
        public Builder mx(MxPattern pattern) {
            this.mx.add(Objects.requireNonNull(pattern, "pattern"));
            return this;
        }

        /**
         * Removes every mx pattern added so far.
         *
         * @return this builder
         */
        public Builder clearMx() {
            this.mx.clear();
            return this;
        }

        /**
         * Sets {@code max_age} in seconds (default 604800, one week).
         *
         * @param seconds 0 to {@link #MAX_AGE_LIMIT}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxAge(long seconds) {
            if (seconds < 0 || seconds > MAX_AGE_LIMIT) {
                throw new IllegalArgumentException(
                        "max_age " + seconds + " is outside 0.." + MAX_AGE_LIMIT + " (RFC 8461 §3.2)");
            }
            this.maxAge = seconds;
            return this;
        }

        /**
         * Sets {@code max_age}.
         *
         * @param maxAge 0 to {@link #MAX_AGE_LIMIT} seconds
         * @return this builder
         */
        public Builder maxAge(Duration maxAge) {
            return maxAge(Objects.requireNonNull(maxAge, "maxAge").getSeconds());
        }

        /**
         * Adds an extension field.
         *
         * @param name {@code sts-policy-ext-name}, not one of the defined field names
         * @param value {@code sts-policy-ext-value}
         * @return this builder
         * @throws IllegalArgumentException if the name or value breaks the grammar, or the name was
         *     already added
         */
        public Builder extension(String name, String value) {
            Extension e = new Extension(name, value);
            String problem = PolicyParser.extensionProblem(e);
            if (problem != null) {
                throw new IllegalArgumentException("extension " + Texts.printable(e.toString())
                        + ": " + problem + " (RFC 8461 §3.2)");
            }
            for (Extension existing : extensions) {
                if (existing.name().equals(name)) {
                    throw new IllegalArgumentException("extension " + name + " was already added");
                }
            }
            this.extensions.add(e);
            return this;
        }

        /**
         * Builds the policy.
         *
         * @return the policy
         * @throws IllegalStateException if the mode needs mx patterns and none were added
         */
        public StsPolicy build() {
            if (mx.isEmpty() && mode != PolicyMode.NONE) {
                // RFC 8461 §3.2: mx is required unless the mode is none.
                throw new IllegalStateException("a policy in mode " + mode.token()
                        + " needs at least one mx: call mx(...) before build()");
            }
            return new StsPolicy(mode, mx, maxAge, extensions);
        }
    }
}
