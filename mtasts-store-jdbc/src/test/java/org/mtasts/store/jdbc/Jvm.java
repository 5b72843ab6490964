package org.mtasts.store.jdbc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A test main class run in a JVM of its own, on this JVM's class path, with its output read line by line. */
final class Jvm implements AutoCloseable {

    final Process process;
    private final BufferedReader out;

    private Jvm(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static Jvm start(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        try {
            return new Jvm(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next line, or null at the end of the output. */
    String readLine() {
        try {
            return out.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every line until the end of the output. */
    List<String> rest() {
        List<String> lines = new ArrayList<>();
        for (String line = readLine(); line != null; line = readLine()) {
            lines.add(line);
        }
        return lines;
    }

    /** Kills the process with SIGKILL (kill -9) and waits for it. */
    void kill9() throws InterruptedException, IOException {
        new ProcessBuilder("kill", "-9", Long.toString(process.pid())).inheritIO().start().waitFor();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("process " + process.pid() + " survived kill -9");
        }
    }

    int waitFor() throws InterruptedException {
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("process " + process.pid() + " did not finish");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
