package org.mtasts.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of parsing a text: {@link Valid} with the value (and any warnings), {@link Invalid}
 * with the {@link SyntaxError}, or {@link NotApplicable} when the text is not of the kind asked
 * for at all (a TXT record that is not an STS record, say; RFC 8461 §3.1 discards those instead of
 * failing).
 *
 * <p>Parsers return this instead of throwing, because an invalid record or policy is an expected
 * outcome that decides behaviour. {@link #orElseThrow()} is the door for callers that want an
 * exception. On Java 17, switch on {@link #kind()} and unpack with {@code instanceof}:
 *
 * <pre>{@code
 * ParseResult<StsPolicy> result = StsPolicy.parse(body);
 * switch (result.kind()) {
 *     case VALID -> use(((ParseResult.Valid<StsPolicy>) result).value());
 *     case INVALID -> log(((ParseResult.Invalid<StsPolicy>) result).error());
 *     case NOT_APPLICABLE -> { }
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param <T> the type of the parsed value
 * @since 0.1
 */
public sealed interface ParseResult<T>
        permits ParseResult.Valid, ParseResult.Invalid, ParseResult.NotApplicable {

    /** The three outcomes, to switch on. */
    enum Kind {
        /** The text is valid. */
        VALID,
        /** The text is of the right kind but breaks a rule. */
        INVALID,
        /** The text is not of the kind asked for. */
        NOT_APPLICABLE
    }

    /** {@return which outcome this is} */
    Kind kind();

    /** {@return whether the text was valid} */
    default boolean isValid() {
        return kind() == Kind.VALID;
    }

    /** {@return the value if valid, else empty} */
    Optional<T> toOptional();

    /**
     * {@return the value if valid}
     *
     * @throws SyntaxErrorException carrying the error if the text was invalid or not applicable
     */
    T orElseThrow();

    /** {@return the error if invalid, or the reason if not applicable; empty if valid} */
    Optional<SyntaxError> syntaxError();

    /**
     * A valid text.
     *
     * @param <T> the type of the value
     * @param value the parsed value
     * @param warnings what was accepted but should be fixed, in input order
     */
    record Valid<T>(T value, List<ParseWarning> warnings) implements ParseResult<T> {
        /**
         * Validates and copies the components.
         *
         * @param value the parsed value
         * @param warnings what was accepted but should be fixed, in input order
         */
        public Valid {
            Objects.requireNonNull(value, "value");
            warnings = List.copyOf(warnings);
        }

        /**
         * A valid result without warnings.
         *
         * @param value the parsed value
         */
        public Valid(T value) {
            this(value, List.of());
        }

        @Override
        public Kind kind() {
            return Kind.VALID;
        }

        @Override
        public Optional<T> toOptional() {
            return Optional.of(value);
        }

        /** Returns the value (never throws). */
        @Override
        public T orElseThrow() {
            return value;
        }

        @Override
        public Optional<SyntaxError> syntaxError() {
            return Optional.empty();
        }
    }

    /**
     * An invalid text.
     *
     * @param <T> the type the text would have had
     * @param error the first error found
     */
    record Invalid<T>(SyntaxError error) implements ParseResult<T> {
        /**
         * Validates the component.
         *
         * @param error the first error found
         */
        public Invalid {
            Objects.requireNonNull(error, "error");
        }

        @Override
        public Kind kind() {
            return Kind.INVALID;
        }

        @Override
        public Optional<T> toOptional() {
            return Optional.empty();
        }

        @Override
        public T orElseThrow() {
            throw new SyntaxErrorException(error);
        }

        @Override
        public Optional<SyntaxError> syntaxError() {
            return Optional.of(error);
        }
    }

    /**
     * A text that is not of the kind asked for (for example a TXT record that does not start with
     * {@code v=STSv1}).
     *
     * @param <T> the type asked for
     * @param reason why the text is not of that kind, positioned where it stops matching
     */
    record NotApplicable<T>(SyntaxError reason) implements ParseResult<T> {
        /**
         * Validates the component.
         *
         * @param reason why the text is not of that kind, positioned where it stops matching
         */
        public NotApplicable {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Kind kind() {
            return Kind.NOT_APPLICABLE;
        }

        @Override
        public Optional<T> toOptional() {
            return Optional.empty();
        }

        @Override
        public T orElseThrow() {
            throw new SyntaxErrorException(reason);
        }

        @Override
        public Optional<SyntaxError> syntaxError() {
            return Optional.of(reason);
        }
    }
}
