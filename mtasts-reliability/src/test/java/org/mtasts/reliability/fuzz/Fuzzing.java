package org.mtasts.reliability.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** What the fuzz targets share. */
public final class Fuzzing {
    /**
     * How long the {@code fuzz} profile runs each target (JAZZER_FUZZ=1). In the normal test run
     * the targets only replay their saved inputs. Jazzer's annotation needs a constant.
     */
    public static final String MAX_DURATION = "1m";

    private Fuzzing() {}

    /**
     * Writes how many inputs a target ran to {@code target/fuzz-stats/<class>.txt}: the saved inputs
     * in a normal run, every execution when fuzzing. Called from each target's {@code @AfterAll}.
     */
    public static void recordRuns(Class<?> target, AtomicLong runs, long startNanos) {
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        String mode = System.getenv("JAZZER_FUZZ") == null || System.getenv("JAZZER_FUZZ").isEmpty()
                ? "regression" : "fuzzing";
        String line = target.getSimpleName() + " mode=" + mode + " runs=" + runs.get() + " millis=" + millis + "\n";
        try {
            Path dir = Path.of("target", "fuzz-stats");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(target.getSimpleName() + ".txt"), line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.print(line);
    }

    /**
     * The texts a byte string can stand for: each byte a character (DNS TXT data as ISO-8859-1),
     * UTF-8 (with replacement characters), and UTF-16 (any char, lone surrogates included).
     */
    static List<String> texts(byte[] data) {
        return List.of(new String(data, StandardCharsets.ISO_8859_1), new String(data, StandardCharsets.UTF_8),
                new String(data, StandardCharsets.UTF_16BE));
    }
}
