package org.mtasts.reliability.fuzz;

import java.util.Objects;
import java.util.function.Function;
import org.mtasts.core.ParseResult;
import org.mtasts.core.SyntaxError;
import org.mtasts.reliability.Messages;

/** Invariants every parser result must keep, whatever the input. */
final class Checks {
    private Checks() {}

    /**
     * Checks a result: never null; an error lies inside the input, has a line and column from 1,
     * names its rule, and echoes no raw control character; a valid value survives {@code
     * toText}/{@code parse}.
     *
     * @param input the text parsed
     * @param inputLength the length the offset counts in (characters for text, bytes for bytes)
     * @param result the result
     * @param toText the canonical serializer
     * @param reparse the parser used for the round trip
     */
    static <T> void result(String what, CharSequence input, int inputLength, ParseResult<T> result,
            Function<T, String> toText, Function<String, ParseResult<T>> reparse) {
        Objects.requireNonNull(result, what + " returned null");
        if (result instanceof ParseResult.Invalid<T> invalid) {
            error(what, inputLength, invalid.error());
        } else if (result instanceof ParseResult.Valid<T> valid) {
            valid.warnings().forEach(w -> Messages.requireSafe(what + " warning", w.toString()));
            String text = toText.apply(valid.value());
            ParseResult<T> again = reparse.apply(text);
            if (!(again instanceof ParseResult.Valid<T> v2) || !v2.value().equals(valid.value())) {
                throw new AssertionError(what + ": the canonical text of a valid value does not parse back to it: "
                        + Messages.escapeForFailure(input) + " -> " + Messages.escapeForFailure(text) + " -> " + again);
            }
        }
    }

    static void error(String what, int inputLength, SyntaxError e) {
        if (e.offset() < 0 || e.offset() > inputLength) {
            throw new AssertionError(what + ": error offset " + e.offset() + " outside the input of " + inputLength);
        }
        if (e.line() < 1 || e.column() < 1) {
            throw new AssertionError(what + ": line " + e.line() + ", column " + e.column());
        }
        if (e.rule().isEmpty() || e.code().isEmpty()) {
            throw new AssertionError(what + ": error without rule or code: " + e.kind());
        }
        Messages.requireSafe(what + " error", e.toString());
        Messages.requireSafe(what + " error message", e.message());
    }
}
