package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;

/** Mime4j is optional: the JSON reader, writer, aggregator and summaries never touch it. */
class NoMime4jTest {

    private static URL locationOf(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    @Test
    @DisplayName("The report reader and writer work in a class loader without Mime4j")
    void readerWorksWithoutMime4j() throws Exception {
        URL[] urls = {locationOf(TlsReportReader.class), locationOf(DomainName.class),
                locationOf(tools.jackson.core.JsonParser.class)};
        for (URL url : urls) {
            assertThat(url.toString()).doesNotContain("mime4j");
        }
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> loader.loadClass("org.apache.james.mime4j.dom.Message"))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> reader = loader.loadClass(TlsReportReader.class.getName());
            assertThat(reader).isNotSameAs(TlsReportReader.class);
            Object lenient = reader.getMethod("lenient").invoke(null);
            byte[] gz = Reports.gzip(Reports.utf8(Reports.clean()));
            Object result = reader.getMethod("read", byte[].class).invoke(lenient, (Object) gz);
            assertThat(result.getClass().getMethod("kind").invoke(result).toString()).isEqualTo("READ");
            Object report = result.getClass().getMethod("orElseThrow").invoke(result);
            Class<?> writer = loader.loadClass(TlsReportWriter.class.getName());
            Object json = writer.getMethod("toJsonString", loader.loadClass(TlsReport.class.getName()))
                    .invoke(writer.getMethod("create").invoke(null), report);
            assertThat((String) json).contains("\"report-id\":\"r1\"");
            Class<?> summary = loader.loadClass(ReportSummary.class.getName());
            Object s = summary.getMethod("of", java.util.Collection.class).invoke(null, List.of(report));
            assertThat((String) summary.getMethod("toJson").invoke(s)).contains("\"report-count\":1");
            // The mail package, in contrast, needs Mime4j.
            Class<?> mail = loader.loadClass("org.mtasts.tlsrpt.mail.ReportMessageReader");
            assertThatThrownBy(() -> mail.getMethod("create").invoke(null)).satisfiesAnyOf(
                    t -> assertThat(t).isInstanceOf(NoClassDefFoundError.class),
                    t -> assertThat(t).isInstanceOf(InvocationTargetException.class)
                            .hasCauseInstanceOf(NoClassDefFoundError.class));
        }
    }

    @Test
    @DisplayName("No class outside org.mtasts.tlsrpt.mail refers to Mime4j")
    void noClassOutsideTheMailPackageRefersToMime4j() throws IOException, URISyntaxException {
        Path classes = Path.of(locationOf(TlsReportReader.class).toURI()).resolve("org/mtasts/tlsrpt");
        List<Path> files;
        try (Stream<Path> s = Files.list(classes)) {
            files = s.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList());
        }
        assertThat(files).hasSizeGreaterThan(20);
        for (Path f : files) {
            String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertThat(bytes).as(f.getFileName().toString()).doesNotContain("org/apache/james");
        }
    }
}
