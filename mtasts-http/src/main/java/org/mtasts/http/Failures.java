package org.mtasts.http;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;

/**
 * Maps an exception from OkHttp or the JDK to a {@link FetchFailure}. The cause chain is walked,
 * certificate causes first, because a handshake wraps them: an expired certificate arrives as an
 * {@code SSLHandshakeException} caused by a {@code CertPathValidatorException} caused by a {@code
 * CertificateExpiredException} (as the JDK's PKIX trust manager reports it; {@code
 * HttpsPolicyFetcherTest} shows each case).
 */
final class Failures {
    private static final int MAX_DEPTH = 20;

    private Failures() {}

    /** Returns a {@link FetchResult.Failed} for the exception, its detail escaped. */
    static FetchResult.Failed failed(Throwable t) {
        FetchFailure failure = classify(t);
        return new FetchResult.Failed(failure, failure.code() + ": " + Printable.describe(t), t);
    }

    /** Returns the failure kind for an exception and its causes. */
    static FetchFailure classify(Throwable t) {
        // Certificate problems anywhere in the chain decide first: RFC 8460 §4.3.2.2 sts-webpki-invalid.
        FetchFailure webPki = null;
        int depth = 0;
        for (Throwable c = t; c != null && depth < MAX_DEPTH; c = c.getCause(), depth++) {
            FetchFailure found = certificateFailure(c);
            if (found != null && (webPki == null || webPki == FetchFailure.WEBPKI_INVALID)) {
                webPki = found; // the most specific one wins
            }
            if (c.getCause() == c) {
                break;
            }
        }
        if (webPki != null) {
            return webPki;
        }
        depth = 0;
        for (Throwable c = t; c != null && depth < MAX_DEPTH; c = c.getCause(), depth++) {
            if (c instanceof AddressRejectedException) {
                return FetchFailure.ADDRESS_REJECTED;
            }
            if (c instanceof UnknownHostException) {
                return FetchFailure.HOST_NOT_FOUND;
            }
            if (c instanceof ConnectException || c instanceof NoRouteToHostException
                    || c instanceof PortUnreachableException) {
                return FetchFailure.CONNECT;
            }
            if (c instanceof InterruptedIOException) {
                return FetchFailure.TIMEOUT; // OkHttp's callTimeout and the JDK's SocketTimeoutException
            }
            if (c instanceof SSLException) {
                return FetchFailure.TLS_HANDSHAKE;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return FetchFailure.IO;
    }

    private static @Nullable FetchFailure certificateFailure(Throwable c) {
        if (c instanceof CertificateExpiredException) {
            return FetchFailure.CERTIFICATE_EXPIRED;
        }
        if (c instanceof CertificateNotYetValidException) {
            return FetchFailure.CERTIFICATE_NOT_YET_VALID;
        }
        if (c instanceof CertPathValidatorException validator) {
            CertPathValidatorException.Reason reason = validator.getReason();
            if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
                return FetchFailure.CERTIFICATE_EXPIRED;
            }
            if (reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                return FetchFailure.CERTIFICATE_NOT_YET_VALID;
            }
            return FetchFailure.CERTIFICATE_NOT_TRUSTED;
        }
        if (c instanceof CertPathBuilderException) {
            return FetchFailure.CERTIFICATE_NOT_TRUSTED;
        }
        if (c instanceof SSLPeerUnverifiedException) {
            // OkHttp's hostname verifier: "Hostname mta-sts.example.com not verified".
            return FetchFailure.CERTIFICATE_HOST_MISMATCH;
        }
        if (c instanceof CertificateException) {
            String message = c.getMessage();
            if (message != null && (message.startsWith("No subject alternative")
                    || message.startsWith("No name matching"))) {
                return FetchFailure.CERTIFICATE_HOST_MISMATCH; // the JDK's endpoint identification
            }
            return FetchFailure.WEBPKI_INVALID;
        }
        return null;
    }
}
