package org.mtasts.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Test helper: the read-only corpus in {@code ${mtasts.shared.dir}/corpus}; missing corpus fails. */
final class IntakeCorpus {
    private IntakeCorpus() {}

    static Path dir() {
        String shared = System.getProperty("mtasts.shared.dir");
        if (shared == null) {
            throw new IllegalStateException("system property mtasts.shared.dir is not set (see the parent POM)");
        }
        Path corpus = Path.of(shared, "corpus");
        if (!Files.isDirectory(corpus.resolve("reports"))) {
            throw new IllegalStateException("no corpus at " + corpus);
        }
        return corpus;
    }

    static List<Path> reports() {
        return list(dir().resolve("reports"));
    }

    static List<Path> messages() {
        return list(dir().resolve("messages"));
    }

    static Path report(String name) {
        return dir().resolve("reports").resolve(name);
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
