package org.mtasts.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * JDK HTTP clients pointed at a sandbox host: the URL names 127.0.0.1 and the real port, while
 * SNI and the hostname check use the host name, as a client with an address override would.
 */
final class JdkClients {
    private JdkClients() {}

    /** Opens an HttpsURLConnection to a sandbox policy host's policy URL. */
    static HttpsURLConnection https(MtaStsSandbox sandbox, String host, SSLContext tls) throws IOException {
        InetSocketAddress a = sandbox.address(host);
        URL url = new URL("https://127.0.0.1:" + a.getPort() + HttpServer.POLICY_PATH);
        HttpsURLConnection c = (HttpsURLConnection) url.openConnection();
        c.setSSLSocketFactory(new SniSocketFactory(tls.getSocketFactory(), host));
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setConnectTimeout(5_000);
        c.setReadTimeout(10_000);
        return c;
    }

    /** A JDK HttpClient sending SNI for the host, HTTP/1.1, no redirects. */
    static HttpClient httpClient(String host, SSLContext tls) {
        SSLParameters params = tls.getDefaultSSLParameters();
        params.setServerNames(List.of(new SNIHostName(host)));
        return HttpClient.newBuilder().sslContext(tls).sslParameters(params)
                .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    static HttpResponse<byte[]> get(MtaStsSandbox sandbox, String host, SSLContext tls) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + sandbox.address(host).getPort() + HttpServer.POLICY_PATH))
                .timeout(Duration.ofSeconds(10)).build();
        return httpClient(host, tls).send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Reads at most {@code limit} bytes. */
    static byte[] read(InputStream in, int limit) throws IOException {
        return in.readNBytes(limit);
    }

    /** An SSLContext that trusts anything and remembers the chain it was shown. */
    static SSLContext recording(AtomicReference<X509Certificate[]> seen) throws GeneralSecurityException {
        X509ExtendedTrustManager tm = new X509ExtendedTrustManager() {
            @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}
            @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) { seen.set(c); }
            @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}
            @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) { seen.set(c); }
            @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
            @Override public void checkServerTrusted(X509Certificate[] c, String a) { seen.set(c); }
            @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tm}, null);
        return ctx;
    }

    /** Layers TLS for a fixed host name: SNI and the HTTPS hostname check use it. */
    static final class SniSocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final String host;

        SniSocketFactory(SSLSocketFactory delegate, String host) {
            this.delegate = delegate;
            this.host = host;
        }

        private Socket configure(Socket s) {
            SSLSocket ssl = (SSLSocket) s;
            SSLParameters p = ssl.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(host)));
            p.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(p);
            return ssl;
        }

        @Override public Socket createSocket(Socket s, String h, int port, boolean autoClose) throws IOException {
            return configure(delegate.createSocket(s, host, port, autoClose));
        }
        @Override public String[] getDefaultCipherSuites() { return delegate.getDefaultCipherSuites(); }
        @Override public String[] getSupportedCipherSuites() { return delegate.getSupportedCipherSuites(); }
        @Override public Socket createSocket(String h, int port) throws IOException {
            return configure(delegate.createSocket(h, port));
        }
        @Override public Socket createSocket(String h, int port, InetAddress local, int localPort) throws IOException {
            return configure(delegate.createSocket(h, port, local, localPort));
        }
        @Override public Socket createSocket(InetAddress a, int port) throws IOException {
            return configure(delegate.createSocket(a, port));
        }
        @Override public Socket createSocket(InetAddress a, int port, InetAddress local, int localPort) throws IOException {
            return configure(delegate.createSocket(a, port, local, localPort));
        }
    }
}
