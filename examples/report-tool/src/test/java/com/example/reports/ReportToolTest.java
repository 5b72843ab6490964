package com.example.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReportToolTest {

    @Test
    void summarizesTheReportOfRfc8460() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReportTool.print(Path.of("src/test/resources/report.json"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals("Company-X [company-y.example]: 5326 sessions succeeded, 303 failed\n",
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void runsWithoutTheOptionalDependencies() {
        // mtasts-tlsrpt's Mime4j (report e-mail) and mtasts-http's Angus Mail are optional: a
        // project that asks for mtasts-tlsrpt alone does not get them.
        for (String absent : new String[] {"org.apache.james.mime4j.dom.Message", "jakarta.mail.Session",
                "org.eclipse.angus.mail.smtp.SMTPTransport", "okhttp3.OkHttpClient", "org.mtasts.http.MtaSts"}) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(absent), absent);
        }
    }
}
