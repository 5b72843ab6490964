package org.mtasts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.cli.MtastsCli;
import org.mtasts.intake.Dashboard;
import org.mtasts.intake.FileReportStore;

/**
 * {@code mtasts report dashboard} in a real browser: the store is filled from realnet's Postfix
 * Maildir (the reports mailed to tlsrpt@example.test) and the shared corpus, the page is opened in
 * headless Chromium (Debian package {@code chromium}), which must log no console message (a control
 * page with a script error shows that such messages are seen), and its DOM and a screenshot show
 * the chart: one {@code <g class="day">} per day of the window, green and red bars drawn.
 */
class DashboardRealnetIT {

    private static Realnet realnet;
    private static String chromium;

    @TempDir
    Path dir;

    @BeforeAll
    static void chromium() {
        realnet = Realnet.get();
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                if (Files.isExecutable(Path.of(p, name))) {
                    chromium = Path.of(p, name).toString();
                    return;
                }
            }
        }
        String message = "no chromium on the PATH: apt-get install -y --no-install-recommends chromium";
        if (Boolean.getBoolean("realnet.required")) {
            Assertions.fail(message);
        }
        Assumptions.abort(message);
    }

    private static int cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = MtastsCli.run(new PrintWriter(out), new PrintWriter(err), args);
        System.out.println("mtasts " + String.join(" ", args) + " -> " + code + "\n" + out + err);
        return code;
    }

    /** Runs headless Chromium on a page; returns its standard output, and its standard error in err. */
    private String browse(Path page, List<String> mode, StringBuilder err) throws Exception {
        Path profile = Files.createTempDirectory(dir, "chromium-profile");
        List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"));
        command.addAll(mode);
        command.add(page.toUri().toString());
        Path out = dir.resolve("chromium.out");
        Path errFile = dir.resolve("chromium.err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(errFile.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 90 s: " + command);
        }
        err.append(Files.readString(errFile, StandardCharsets.UTF_8));
        assertThat(p.exitValue()).as("chromium exit code; stderr:\n%s", err).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Console messages of the page, as Chromium logs them with --enable-logging: {@code INFO:CONSOLE}. */
    private static List<String> console(CharSequence stderr) {
        List<String> lines = new ArrayList<>();
        for (String line : stderr.toString().split("\n")) {
            if (line.contains(":CONSOLE") || line.contains("Uncaught")) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    @DisplayName("the dashboard opens in headless Chromium without console errors, one bar group per day, and renders")
    void dashboardOpensInChromium() throws Exception {
        Path corpus = Path.of(System.getProperty("mtasts.shared.dir"), "corpus");
        Path store = dir.resolve("store");
        assertThat(cli("report", "fetch", "--store", store.toString(), "--maildir", realnet.tlsRptMaildir().toString(),
                corpus.resolve("reports").toString(), corpus.resolve("messages").toString()))
                .isIn(MtastsCli.OK, MtastsCli.FINDINGS);
        Path site = dir.resolve("site");
        assertThat(cli("report", "dashboard", "--store", store.toString(), "--out", site.toString(),
                "--domain", "example.test")).isZero();
        Path page = site.resolve("index.html");

        // The control: a page with a script error is seen as one.
        Path bad = Files.writeString(dir.resolve("bad.html"),
                "<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>");
        StringBuilder badErr = new StringBuilder();
        browse(bad, List.of("--dump-dom"), badErr);
        assertThat(console(badErr)).anySatisfy(line -> assertThat(line).contains("Uncaught ReferenceError"));

        StringBuilder err = new StringBuilder();
        String dom = browse(page, List.of("--dump-dom"), err);
        assertThat(console(err)).as("console messages of the dashboard").isEmpty();

        List<LocalDate> expectedDays = Dashboard.builder().build()
                .chartDays(FileReportStore.open(store.resolve("reports")).reports());
        Matcher m = Pattern.compile("<g class=\"day\" data-day=\"([0-9-]+)\" data-successful=\"([0-9]+)\" data-failed=\"([0-9]+)\">")
                .matcher(dom);
        List<LocalDate> days = new ArrayList<>();
        long successful = 0;
        long failed = 0;
        while (m.find()) {
            days.add(LocalDate.parse(m.group(1)));
            successful += Long.parseLong(m.group(2));
            failed += Long.parseLong(m.group(3));
        }
        assertThat(days).as("one <g class=day> per day of the window").isEqualTo(expectedDays).hasSize(Dashboard.DEFAULT_CHART_DAYS);
        assertThat(successful).as("the realnet reports of the last days").isPositive();
        assertThat(failed).as("the realnet reports carry failures").isPositive();
        assertThat(dom).contains("<h3>example.test <span class=\"badge\">");

        StringBuilder shotErr = new StringBuilder();
        Path shot = dir.resolve("dashboard.png");
        browse(page, List.of("--screenshot=" + shot, "--window-size=1200,900", "--hide-scrollbars"), shotErr);
        assertThat(console(shotErr)).isEmpty();
        assertThat(shot).isNotEmptyFile();
        BufferedImage image = ImageIO.read(shot.toFile());
        assertThat(image.getWidth()).isEqualTo(1200);
        assertThat(image.getHeight()).isEqualTo(900);
        // The bars' colours (rect.ok #38a169, rect.bad #e53e3e) are on the screen.
        assertThat(pixels(image, 0x38a169)).as("green pixels").isGreaterThan(200);
        assertThat(pixels(image, 0xe53e3e)).as("red pixels").isPositive();
        Path kept = Path.of("target", "dashboard.png");
        Files.copy(shot, kept, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("screenshot: " + kept.toAbsolutePath());
    }

    private static long pixels(BufferedImage image, int rgb) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

}
