package org.mtasts.testkit;

import java.util.Objects;
import org.mtasts.core.DomainName;

/**
 * A sandbox HTTPS host that receives TLS-RPT reports (RFC 8460 §5.4), for the {@code https:}
 * {@code rua} of a TLSRPT record: it accepts {@code POST} on any path, answers a chosen status, and
 * records each request with its headers and body ({@link ReceivedRequest}, from {@link
 * MtaStsSandbox#receivedRequests(String)}). Like every sandbox host it listens on its own loopback
 * port ({@link MtaStsSandbox#address(String)}) with a certificate of the sandbox CA.
 *
 * <pre>{@code
 * DomainSpec shop = DomainSpec.of("shop.example")
 *         .tlsRptRecord("v=TLSRPTv1; rua=https://tlsrpt.shop.example/v1")
 *         .reportReceiver(ReportReceiver.of("tlsrpt.shop.example"));            // answers 200
 * MtaStsSandbox sandbox = MtaStsSandbox.builder().domain(shop).start();
 * sandbox.reportReceiverStatus("tlsrpt.shop.example", 503);                   // later: now it fails
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the host name, normalized
 * @param status the status answered to a {@code POST} whose body fits (100 to 599; default 200)
 * @param maxBodyBytes the largest body kept; a larger one is answered with 413 and kept cut to this
 *     size (default {@link #DEFAULT_MAX_BODY_BYTES})
 * @param certificate the certificate variant presented
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.4">RFC 8460 §5.4</a>
 * @since 0.1
 */
public record ReportReceiver(String name, int status, int maxBodyBytes, CertificateVariant certificate) {

    /** The default largest body kept: 1 MiB, far above a gzip report of a busy day. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    /** The largest {@link #maxBodyBytes} allowed: 16 MiB. */
    public static final int MAX_BODY_LIMIT = 16 * 1024 * 1024;

    /**
     * Validates and normalizes the components.
     *
     * @param name the host name, normalized
     * @param status the status answered to a {@code POST} whose body fits (100 to 599; default 200)
     * @param maxBodyBytes the largest body kept; a larger one is answered with 413 and kept cut to this
     *     size (default {@link #DEFAULT_MAX_BODY_BYTES})
     * @param certificate the certificate variant presented
     */
    public ReportReceiver {
        name = DomainName.of(name).ascii();
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status " + status + " is outside 100..599");
        }
        if (maxBodyBytes < 0 || maxBodyBytes > MAX_BODY_LIMIT) {
            throw new IllegalArgumentException("maxBodyBytes " + maxBodyBytes + " is outside 0.." + MAX_BODY_LIMIT);
        }
        Objects.requireNonNull(certificate, "certificate");
    }

    /**
     * Returns a receiver that answers 200 and keeps bodies up to {@link #DEFAULT_MAX_BODY_BYTES}.
     *
     * @param name the host name, in the domain that adds it
     * @return the receiver
     */
    public static ReportReceiver of(String name) {
        return new ReportReceiver(name, 200, DEFAULT_MAX_BODY_BYTES, CertificateVariant.VALID);
    }

    /**
     * Returns a copy that answers another status.
     *
     * @param status 100 to 599
     * @return the copy
     */
    public ReportReceiver withStatus(int status) {
        return new ReportReceiver(name, status, maxBodyBytes, certificate);
    }

    /**
     * Returns a copy that keeps bodies up to another size.
     *
     * @param maxBodyBytes 0 to {@link #MAX_BODY_LIMIT}
     * @return the copy
     */
    public ReportReceiver withMaxBodyBytes(int maxBodyBytes) {
        return new ReportReceiver(name, status, maxBodyBytes, certificate);
    }

    /**
     * Returns a copy with another certificate variant.
     *
     * @param certificate the variant
     * @return the copy
     */
    public ReportReceiver withCertificate(CertificateVariant certificate) {
        return new ReportReceiver(name, status, maxBodyBytes, certificate);
    }
}
