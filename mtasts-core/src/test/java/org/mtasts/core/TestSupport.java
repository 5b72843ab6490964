package org.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;

/** Assertions shared by the test classes. */
final class TestSupport {
    private TestSupport() {}

    /** Returns the error of a result that must be {@link ParseResult.Invalid}. */
    static <T> SyntaxError invalid(ParseResult<T> result) {
        assertThat(result.kind()).as("kind of %s", result).isEqualTo(ParseResult.Kind.INVALID);
        return result.syntaxError().orElseThrow();
    }

    /** Returns the value of a result that must be {@link ParseResult.Valid}. */
    static <T> T valid(ParseResult<T> result) {
        assertThat(result.kind()).as("kind of %s", result).isEqualTo(ParseResult.Kind.VALID);
        return result.orElseThrow();
    }

    /** Asserts kind, offset, line and column of an error exactly. */
    static void assertError(SyntaxError e, SyntaxError.Kind kind, int offset, int line, int column) {
        assertThat(e.kind()).as("kind of %s", e).isEqualTo(kind);
        assertThat(new int[] {e.offset(), e.line(), e.column()}).as("offset, line, column of %s", e)
                .containsExactly(offset, line, column);
        assertSafeMessage(e);
    }

    /** Messages never carry raw control characters, whatever the input was. */
    static void assertSafeMessage(SyntaxError e) {
        assertThat(e.toString().chars().noneMatch(c -> c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)))
                .as("no control character in %s", e.toString().replaceAll("\\p{Cntrl}", "?")).isTrue();
        assertThat(e.rule()).startsWith("RFC ");
        assertThat(e.code()).matches("[a-z0-9]+(-[a-z0-9]+)*");
    }

    /**
     * Returns the read-only shared directory ({@code ../shared}), or empty when the build did not
     * name one (a test run outside Maven).
     */
    static Optional<Path> sharedDir() {
        String dir = System.getProperty("mtasts.shared.dir");
        if (dir == null || dir.isBlank()) {
            return Optional.empty();
        }
        Path path = Path.of(dir);
        if (!Files.isDirectory(path.resolve("corpus"))) {
            Assertions.fail("mtasts.shared.dir is set to " + path + ", but it has no corpus/ directory");
        }
        return Optional.of(path);
    }
}
