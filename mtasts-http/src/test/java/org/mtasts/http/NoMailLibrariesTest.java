package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.tlsrpt.TlsReport;

/**
 * Angus Mail, Jakarta Mail and Mime4j are optional: a reporter without a mailer never loads them,
 * and only {@code org.mtasts.http.mail} (and the one class that builds report e-mails) refers to them.
 */
class NoMailLibrariesTest {

    private static URL locationOf(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    private static List<Path> classFiles() throws IOException, URISyntaxException {
        Path dir = Path.of(locationOf(TlsRptReporter.class).toURI()).resolve("org/mtasts/http");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList());
        }
    }

    @Test
    @DisplayName("No class of org.mtasts.http refers to Jakarta Mail or Angus Mail; only ReportMails to the report e-mail")
    void onlyTheMailPackageRefersToTheMailLibraries() throws IOException, URISyntaxException {
        List<Path> files = classFiles();
        assertThat(files).hasSizeGreaterThan(30);
        for (Path f : files) {
            String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            String name = f.getFileName().toString();
            assertThat(bytes).as(name).doesNotContain("jakarta/mail").doesNotContain("org/eclipse/angus")
                    .doesNotContain("org/apache/james");
            if (!name.equals("ReportMails.class")) {
                assertThat(bytes).as(name).doesNotContain("org/mtasts/tlsrpt/mail");
            }
        }
    }

    @Test
    @DisplayName("A reporter runs in a class loader without Jakarta Mail, Angus Mail and Mime4j")
    void reporterRunsWithoutTheMailLibraries() throws Exception {
        URL[] urls = {locationOf(TlsRptReporter.class), locationOf(DomainName.class), locationOf(TlsReport.class),
            locationOf(tools.jackson.core.JsonParser.class), locationOf(okhttp3.OkHttpClient.class),
            locationOf(kotlin.Unit.class), locationOf(okio.Buffer.class)};
        for (URL url : urls) {
            assertThat(url.toString()).doesNotContain("mail").doesNotContain("angus").doesNotContain("mime4j");
        }
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> loader.loadClass("jakarta.mail.Session")).isInstanceOf(ClassNotFoundException.class);
            assertThatThrownBy(() -> loader.loadClass("org.apache.james.mime4j.dom.Message"))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> aggregatorClass = loader.loadClass("org.mtasts.tlsrpt.ReportAggregator");
            Object ab = aggregatorClass.getMethod("builder").invoke(null);
            ab.getClass().getMethod("organizationName", String.class).invoke(ab, "Example Mail");
            ab.getClass().getMethod("contactInfo", String.class).invoke(ab, "tlsrpt@mail.example.net");
            Object aggregator = ab.getClass().getMethod("build").invoke(ab);

            Class<?> resolverType = loader.loadClass("org.mtasts.core.TxtResolver");
            Class<?> noRecords = loader.loadClass("org.mtasts.core.TxtAnswer$NoRecords");
            Object nxdomain = noRecords.getConstructor(boolean.class).newInstance(true);
            Object resolver = Proxy.newProxyInstance(loader, new Class<?>[] {resolverType}, (proxy, method, args) ->
                    method.getName().equals("resolveTxtAsync") ? CompletableFuture.completedFuture(nxdomain)
                            : method.getName().equals("toString") ? "resolver" : null);

            Class<?> reporterClass = loader.loadClass("org.mtasts.http.TlsRptReporter");
            assertThat(reporterClass).isNotSameAs(TlsRptReporter.class);
            Object b = reporterClass.getMethod("builder", aggregatorClass).invoke(null, aggregator);
            b.getClass().getMethod("txtResolver", resolverType).invoke(b, resolver);
            Object reporter = b.getClass().getMethod("build").invoke(b);
            try {
                Method runNow = reporterClass.getMethod("runNow", LocalDate.class);
                assertThat((List<?>) runNow.invoke(reporter, LocalDate.of(2000, 1, 1))).isEmpty();
            } finally {
                ((AutoCloseable) reporter).close();
            }
        }
    }
}
