package org.mtasts.http.mail;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Supplier;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.SafeText;
import org.mtasts.http.MailResult;
import org.mtasts.http.ReportMail;
import org.mtasts.http.ReportMailer;

/**
 * A {@link ReportMailer} that submits report e-mails to an SMTP relay with Eclipse Angus Mail (the
 * Jakarta Mail implementation): one connection per mail, STARTTLS (required by default) with the
 * relay's certificate checked against its host name, optional AUTH, and the message bytes sent
 * exactly as they are (never re-encoded, so that a DKIM signature stays valid, RFC 8460 §3). The
 * envelope comes from the {@link ReportMail}.
 *
 * <p>The relay is usually the MTA itself or its smarthost, which then delivers the report as RFC
 * 8460 §3 asks: despite TLS failures at the receiving domain (the message says {@code
 * TLS-Required: No}) and without counting the session in the next report. A recipient refused
 * with a 5xx reply, or a message refused after {@code DATA}, is {@link MailResult.Kind#REJECTED};
 * everything else that fails (4xx replies, the relay unreachable, TLS, authentication, the sender
 * refused) is {@link MailResult.Kind#FAILED} and retried.
 *
 * <pre>{@code
 * SmtpReportMailer mailer = SmtpReportMailer.builder("smtp.mail.example.net", 587)
 *         .authentication("tlsrpt", passwordChars)            // copied; AUTH only over TLS
 *         .connectTimeout(Duration.ofSeconds(10))
 *         .build();
 * TlsRptReporter reporter = TlsRptReporter.builder(aggregator).mailer(mailer).build();
 * }</pre>
 *
 * <p>Needs {@code jakarta.mail:jakarta.mail-api} and {@code org.eclipse.angus:angus-mail} (optional
 * dependencies of {@code mtasts-http}; on the module path, {@code --add-modules
 * org.eclipse.angus.mail} or {@code requires} it). Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.3">RFC 8460 §5.3</a>
 * @since 0.1
 */
public final class SmtpReportMailer implements ReportMailer {

    /** The default time to connect to the relay. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The default time to wait for each reply of the relay: two minutes, far below the minutes RFC
     * 5321 §4.5.3.2 allows a distant server, because a relay of one's own answers at once.
     */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(2);

    /** How TLS is used with the relay (RFC 3207). */
    public enum Security {
        /**
         * STARTTLS must be offered and succeed, with a certificate valid for the relay's host
         * name; otherwise the mail fails (and is retried). The default.
         */
        STARTTLS_REQUIRED,
        /**
         * STARTTLS is used when the relay offers it (with the certificate checked); without it the
         * mail is sent in clear. For a relay on the same host or network only; no AUTH then.
         */
        STARTTLS_OPPORTUNISTIC
    }

    private final String host;
    private final int port;
    private final @Nullable InetSocketAddress connectTo;
    private final Security security;
    private final @Nullable String username;
    private final @Nullable Supplier<char[]> password;
    private final SSLSocketFactory tls;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final @Nullable String ehloName;

    private SmtpReportMailer(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.connectTo = b.connectTo;
        this.security = b.security;
        this.username = b.username;
        this.password = b.password;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.ehloName = b.ehloName;
        SSLContext context;
        try {
            if (b.trustManager != null) {
                context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {b.trustManager}, null);
            } else {
                context = SSLContext.getDefault();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
        }
        this.tls = new RelaySocketFactory(context.getSocketFactory(), host);
    }

    /**
     * Returns a builder for a relay.
     *
     * @param host the relay's host name (its certificate must be valid for it) or IP address
     * @param port its SMTP port, such as 25 or 587
     * @return the builder
     * @throws IllegalArgumentException if the host is blank or holds spaces, or the port is outside
     *     1..65535
     */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /**
     * Submits one report e-mail: connects, says EHLO, STARTTLS, EHLO, AUTH if configured, {@code
     * MAIL FROM}, {@code RCPT TO}, {@code DATA} with the message bytes as they are, {@code QUIT}.
     *
     * @param mail the mail
     * @return {@link MailResult.Kind#ACCEPTED} with the relay's reply, or why not
     */
    @Override
    public MailResult send(ReportMail mail) {
        Objects.requireNonNull(mail, "mail");
        InternetAddress recipient;
        try {
            recipient = new InternetAddress(mail.recipient(), true);
        } catch (AddressException e) {
            return MailResult.rejected("the recipient " + SafeText.escape(mail.recipient()) + " is not an address "
                    + "the mail library can use: " + SafeText.escape(e.getMessage()));
        }
        Session session = Session.getInstance(properties());
        SMTPTransport transport = null;
        char[] secret = null;
        try {
            transport = (SMTPTransport) session.getTransport("smtp");
            RawMessage message = new RawMessage(session, mail);
            String connectHost = connectTo != null ? connectTo.getAddress().getHostAddress() : host;
            int connectPort = connectTo != null ? connectTo.getPort() : port;
            if (username != null) {
                secret = Objects.requireNonNull(password).get();
                transport.connect(connectHost, connectPort, username, new String(Objects.requireNonNull(secret,
                        "the password supplier returned null")));
            } else {
                transport.connect(connectHost, connectPort, null, null);
            }
            transport.sendMessage(message, new Address[] {recipient});
            return MailResult.accepted(SafeText.escape(String.valueOf(transport.getLastServerResponse()).strip()));
        } catch (AuthenticationFailedException e) {
            return MailResult.failed("the relay refused the authentication: " + describe(e));
        } catch (MessagingException e) {
            return classify(e);
        } catch (RuntimeException e) {
            return MailResult.failed("submitting to the relay failed: " + describe(e));
        } finally {
            if (secret != null) {
                Arrays.fill(secret, '\0');
            }
            if (transport != null) {
                try {
                    transport.close();
                } catch (MessagingException e) {
                    // QUIT after the outcome is known: nothing to report.
                }
            }
        }
    }

    private Properties properties() {
        Properties p = new Properties();
        p.setProperty("mail.smtp.connectiontimeout", Long.toString(connectTimeout.toMillis()));
        p.setProperty("mail.smtp.timeout", Long.toString(readTimeout.toMillis()));
        p.setProperty("mail.smtp.starttls.enable", "true");
        p.setProperty("mail.smtp.starttls.required", Boolean.toString(security == Security.STARTTLS_REQUIRED));
        p.put("mail.smtp.ssl.socketFactory", tls);
        p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        p.setProperty("mail.smtp.ssl.protocols", "TLSv1.3 TLSv1.2");
        p.setProperty("mail.smtp.auth", Boolean.toString(username != null));
        p.setProperty("mail.smtp.allow8bitmime", "false"); // never convert: the bytes go as they are
        if (ehloName != null) {
            p.setProperty("mail.smtp.localhost", ehloName);
        }
        return p;
    }

    /** Tells refusals for good (a 5xx to the recipient or the message) from failures worth retrying. */
    static MailResult classify(MessagingException e) {
        int rcpt = -1;
        int data = -1;
        int from = -1;
        Exception x = e;
        for (int depth = 0; x != null && depth < 20; depth++) {
            if (x instanceof SMTPAddressFailedException a) {
                rcpt = a.getReturnCode();
            } else if (x instanceof SMTPSenderFailedException s) {
                from = s.getReturnCode();
            } else if (x instanceof SMTPSendFailedException d) {
                data = d.getReturnCode();
            }
            x = x instanceof MessagingException m ? m.getNextException() : null;
        }
        if (rcpt >= 500 && rcpt < 600) {
            return MailResult.rejected("the relay refused the recipient: " + describe(e));
        }
        if (data >= 500 && data < 600 && rcpt < 0 && from < 0) {
            return MailResult.rejected("the relay refused the message: " + describe(e));
        }
        if (from >= 500 && from < 600) {
            // The sender address is ours, not the destination's: retried (and fixed by the operator).
            return MailResult.failed("the relay refused the sender: " + describe(e));
        }
        return MailResult.failed(describe(e));
    }

    /** The exception and its causes in one escaped line, without the stack. */
    private static String describe(Exception e) {
        StringBuilder out = new StringBuilder();
        Throwable t = e;
        for (int depth = 0; t != null && depth < 5; depth++) {
            if (depth > 0) {
                out.append(" (caused by ");
            }
            out.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                out.append(": ").append(t.getMessage().strip());
            }
            Throwable next = t instanceof MessagingException m && m.getNextException() != null ? m.getNextException()
                    : t.getCause();
            t = next == t ? null : next;
        }
        return SafeText.escape(out, 400);
    }

    @Override
    public String toString() {
        return "SmtpReportMailer[" + host + ":" + port + (connectTo != null ? " via " + connectTo : "") + ", "
                + security.name().toLowerCase(Locale.ROOT) + (username != null ? ", auth " + username : "") + "]";
    }

    /** The message bytes, sent as they are: never re-encoded, never given new headers. */
    private static final class RawMessage extends SMTPMessage {
        private final ReportMail mail;

        RawMessage(Session session, ReportMail mail) throws MessagingException {
            super(session, mail.messageStream()); // parsed only for the library's own look at the headers
            this.mail = mail;
            setEnvelopeFrom(mail.envelopeSender());
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            mail.writeTo(out);
        }

        @Override
        public void writeTo(OutputStream out, String[] ignoreList) throws IOException {
            mail.writeTo(out);
        }
    }

    /**
     * Layers TLS for the relay's host name whatever address was connected to: SNI and the
     * certificate's host name check use it (RFC 6125), so an address override keeps the check.
     */
    private static final class RelaySocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final String serverName;

        RelaySocketFactory(SSLSocketFactory delegate, String serverName) {
            this.delegate = delegate;
            this.serverName = serverName;
        }

        private Socket named(Socket socket) {
            SSLSocket ssl = (SSLSocket) socket;
            SSLParameters p = ssl.getSSLParameters();
            if (!isIpLiteral(serverName)) {
                p.setServerNames(List.of(new SNIHostName(serverName)));
            }
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the RFC 2818 / RFC 6125 host name check
            ssl.setSSLParameters(p);
            return ssl;
        }

        @Override
        public Socket createSocket(Socket s, String h, int p, boolean autoClose) throws IOException {
            return named(delegate.createSocket(s, serverName, p, autoClose));
        }

        @Override
        public Socket createSocket(String h, int p) throws IOException {
            return named(delegate.createSocket(h, p));
        }

        @Override
        public Socket createSocket(String h, int p, InetAddress local, int localPort) throws IOException {
            return named(delegate.createSocket(h, p, local, localPort));
        }

        @Override
        public Socket createSocket(InetAddress a, int p) throws IOException {
            return named(delegate.createSocket(a, p));
        }

        @Override
        public Socket createSocket(InetAddress a, int p, InetAddress local, int localPort) throws IOException {
            return named(delegate.createSocket(a, p, local, localPort));
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /**
     * Configures a {@link SmtpReportMailer}. Setters validate eagerly; the last call wins.
     *
     * <pre>{@code
     * SmtpReportMailer local = SmtpReportMailer.builder("localhost", 25)
     *         .security(SmtpReportMailer.Security.STARTTLS_OPPORTUNISTIC)
     *         .ehloName("mail.example.net")
     *         .build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private final String host;
        private final int port;
        private @Nullable InetSocketAddress connectTo;
        private Security security = Security.STARTTLS_REQUIRED;
        private @Nullable String username;
        private @Nullable Supplier<char[]> password;
        private @Nullable X509TrustManager trustManager;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private @Nullable String ehloName;

        private Builder(String host, int port) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank() || host.chars().anyMatch(c -> c <= 0x20 || c >= 0x7F)) {
                throw new IllegalArgumentException("relay host '" + SafeText.escape(host) + "' is blank or holds "
                        + "spaces, control or non-ASCII characters (give A-labels)");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("relay port " + port + " is outside 1..65535");
            }
            this.host = host.toLowerCase(Locale.ROOT);
            this.port = port;
        }

        /**
         * Sets how TLS is used (default {@link Security#STARTTLS_REQUIRED}).
         *
         * @param security the mode
         * @return this builder
         */
        public Builder security(Security security) {
            this.security = Objects.requireNonNull(security, "security");
            return this;
        }

        /**
         * Authenticates to the relay (SMTP AUTH), with a password copied now. A relay that offers no
         * AUTH extension is used without authentication (Angus Mail's behaviour); it then decides
         * whether to relay.
         *
         * @param username the user name
         * @param password the password; the array is copied (clear yours afterwards)
         * @return this builder
         */
        public Builder authentication(String username, char[] password) {
            char[] copy = Objects.requireNonNull(password, "password").clone();
            return authentication(username, copy::clone);
        }

        /**
         * Authenticates to the relay (SMTP AUTH), asking for the password at each connection (for
         * instance from a secret store). The array returned is filled with zeros after use.
         *
         * @param username the user name
         * @param password gives the password
         * @return this builder
         */
        public Builder authentication(String username, Supplier<char[]> password) {
            Objects.requireNonNull(username, "username");
            if (username.isEmpty() || username.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
                throw new IllegalArgumentException("the user name is empty or holds control characters");
            }
            this.username = username;
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * Sets the roots the relay's certificate must chain to (default: the JDK's).
         *
         * @param trustManager the trust manager
         * @return this builder
         */
        public Builder trustManager(X509TrustManager trustManager) {
            this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
            return this;
        }

        /**
         * Connects to this address instead of resolving the host; TLS still checks the
         * certificate against the host name. For tests and for relays reached through a tunnel.
         *
         * @param address the address and port to connect to
         * @return this builder
         */
        public Builder addressOverride(InetSocketAddress address) {
            Objects.requireNonNull(address, "address");
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("the override address " + address + " is not resolved");
            }
            this.connectTo = address;
            return this;
        }

        /**
         * Sets the time to connect (default {@link #DEFAULT_CONNECT_TIMEOUT}).
         *
         * @param timeout positive, at most ten minutes
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = checkTimeout(timeout, "connect timeout");
            return this;
        }

        /**
         * Sets the time to wait for each reply (default {@link #DEFAULT_READ_TIMEOUT}).
         *
         * @param timeout positive, at most ten minutes
         * @return this builder
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = checkTimeout(timeout, "read timeout");
            return this;
        }

        /**
         * Sets the name given in EHLO (default: the library's, the local host's name).
         *
         * @param name a host name
         * @return this builder
         */
        public Builder ehloName(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank() || name.chars().anyMatch(c -> c <= 0x20 || c >= 0x7F)) {
                throw new IllegalArgumentException("EHLO name '" + SafeText.escape(name) + "' is blank or holds "
                        + "spaces, control or non-ASCII characters");
            }
            this.ehloName = name;
            return this;
        }

        private static Duration checkTimeout(Duration timeout, String what) {
            Objects.requireNonNull(timeout, what);
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException(what + " " + timeout + " is outside (0, 10 minutes]");
            }
            return timeout;
        }

        /**
         * Builds the mailer.
         *
         * @return the mailer
         * @throws IllegalStateException if AUTH is set with opportunistic STARTTLS (the password could
         *     travel in clear), or no TLS context can be built
         */
        public SmtpReportMailer build() {
            if (username != null && security != Security.STARTTLS_REQUIRED) {
                throw new IllegalStateException("authentication needs Security.STARTTLS_REQUIRED: with opportunistic "
                        + "STARTTLS the password could be sent in clear");
            }
            return new SmtpReportMailer(this);
        }
    }
}
