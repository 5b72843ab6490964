package org.mtasts.tlsrpt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Test helper: the read-only corpus in {@code ${mtasts.shared.dir}/corpus}. Missing corpus is a
 * test failure, not a skip: the corpus is the test.
 */
public final class Corpus {
    private Corpus() {}

    public static Path dir() {
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

    public static List<Path> reports() {
        return list(dir().resolve("reports"));
    }

    public static List<Path> messages() {
        return list(dir().resolve("messages"));
    }

    public static Path expectedFor(Path report) {
        return dir().resolve("expected").resolve(report.getFileName() + ".expected.json");
    }

    /** Returns the name the sender gave the file: the corpus name without its {@code ORIGIN__} prefix. */
    public static String senderName(Path file) {
        String name = file.getFileName().toString();
        int i = name.indexOf("__");
        return i < 0 ? name : name.substring(i + 2);
    }

    public static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
