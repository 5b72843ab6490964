package org.mtasts.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Test helper: small reports as JSON text, and compression. */
public final class Reports {
    private Reports() {}

    /** A minimal valid report whose one policy element is {@code policyEntry}. */
    public static String withPolicy(String policyEntry) {
        return "{\"organization-name\":\"Example\",\"date-range\":{\"start-datetime\":\"2024-02-25T00:00:00Z\","
                + "\"end-datetime\":\"2024-02-25T23:59:59Z\"},\"contact-info\":\"tlsrpt@example.net\","
                + "\"report-id\":\"r1\",\"policies\":[" + policyEntry + "]}";
    }

    /** A valid sts policy element with the given failure details array content. */
    public static String stsEntry(String details) {
        return "{\"policy\":{\"policy-type\":\"sts\",\"policy-string\":[\"version: STSv1\",\"mode: testing\","
                + "\"mx: mx.example.com\",\"max_age: 86400\"],\"policy-domain\":\"example.com\","
                + "\"mx-host\":[\"mx.example.com\"]},\"summary\":{\"total-successful-session-count\":10,"
                + "\"total-failure-session-count\":1},\"failure-details\":[" + details + "]}";
    }

    /** A complete failure detail with the given extra members (a leading comma is added). */
    public static String detail(String extra) {
        return "{\"result-type\":\"certificate-expired\",\"sending-mta-ip\":\"192.0.2.1\","
                + "\"receiving-mx-hostname\":\"mx.example.com\",\"receiving-ip\":\"198.51.100.7\","
                + "\"failed-session-count\":1" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    /** A valid report without warnings. */
    public static String clean() {
        return withPolicy(stsEntry(detail("")));
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] zip(String entryName, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(entryName));
            zip.write(data);
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] resource(String name) {
        try (InputStream in = Reports.class.getResourceAsStream("/rfc8460/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
