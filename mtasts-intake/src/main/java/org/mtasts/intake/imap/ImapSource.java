package org.mtasts.intake.imap;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.FolderClosedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.StoreClosedException;
import jakarta.mail.UIDFolder;
import jakarta.mail.search.FlagTerm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;
import org.mtasts.intake.IntakeCounts;
import org.mtasts.intake.IntakeResult;
import org.mtasts.intake.ReportIntake;

/**
 * Fetches report e-mails (RFC 8460 §5.3) from an IMAP folder into a {@link ReportIntake}, through
 * Jakarta Mail (Eclipse Angus Mail). Each message is processed once: afterwards it is marked with
 * the keyword {@link #PROCESSED_KEYWORD} and skipped by later runs, or, with {@link
 * Builder#moveTo(String)}, moved to another folder. A message that holds no usable report is
 * quarantined by the intake with its reason and marked like the others, so that it never jams the
 * loop; only a lost connection or a store that cannot be written stops a run. The store keeps a
 * report once however often it is fetched.
 *
 * <p>{@code imaps://} is IMAP over TLS (port 993); {@code imap://} requires STARTTLS (port 143)
 * unless {@link Builder#allowPlaintext(boolean)} is set. Server certificates are checked, host name
 * included.
 *
 * <pre>{@code
 * ImapSource source = ImapSource.builder()
 *         .uri(URI.create("imaps://tlsrpt@imap.example.com/INBOX"))
 *         .password(passwordChars)
 *         .build();
 * IntakeCounts counts = source.fetch(intake);
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.3">RFC 8460 §5.3</a>
 * @since 0.1
 */
public final class ImapSource {

    /** The IMAP keyword set on processed messages (when they are not moved). */
    public static final String PROCESSED_KEYWORD = "$MtastsProcessed";

    /** The default timeout of connecting and of each read. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final String protocol;
    private final String host;
    private final int port;
    private final String user;
    private final char[] password;
    private final String folder;
    private final @Nullable String moveTo;
    private final boolean reprocess;
    private final @Nullable SSLSocketFactory socketFactory;
    private final boolean allowPlaintext;
    private final Duration timeout;

    private ImapSource(Builder b) {
        URI uri = Objects.requireNonNull(b.uri, "uri not set");
        this.protocol = uri.getScheme().toLowerCase(Locale.ROOT);
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : protocol.equals("imaps") ? 993 : 143;
        this.user = decode(uri.getRawUserInfo());
        String path = uri.getRawPath() == null || uri.getRawPath().length() <= 1 ? "INBOX" : decode(uri.getRawPath().substring(1));
        this.folder = path;
        this.password = b.password.clone();
        this.moveTo = b.moveTo;
        this.reprocess = b.reprocess;
        this.socketFactory = b.socketFactory;
        this.allowPlaintext = b.allowPlaintext;
        this.timeout = b.timeout;
    }

    /** {@return a new builder} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the folder read} */
    public String folder() {
        return folder;
    }

    /**
     * Fetches every message not processed before, hands each to the intake and marks it.
     *
     * @param intake where the messages go
     * @return the counts of this run
     * @throws IOException if the server cannot be reached or logged into, the connection is lost,
     *     or the store or quarantine cannot be written
     */
    public IntakeCounts fetch(ReportIntake intake) throws IOException {
        Objects.requireNonNull(intake, "intake");
        Session session = Session.getInstance(properties());
        IntakeCounts counts = IntakeCounts.ZERO;
        Store store = null;
        Folder source = null;
        try {
            store = session.getStore(protocol);
            store.connect(host, port, user, new String(password));
            source = store.getFolder(folder);
            if (!source.exists()) {
                throw new IOException("no folder '" + folder + "' on " + host);
            }
            Folder target = null;
            if (moveTo != null) {
                target = store.getFolder(moveTo);
                if (!target.exists() && !target.create(Folder.HOLDS_MESSAGES)) {
                    throw new IOException("cannot create the folder '" + moveTo + "' on " + host);
                }
            }
            source.open(Folder.READ_WRITE);
            Message[] messages = reprocess || moveTo != null
                    ? source.getMessages()
                    : source.search(new FlagTerm(new Flags(PROCESSED_KEYWORD), false));
            FetchProfile profile = new FetchProfile();
            profile.add(UIDFolder.FetchProfileItem.UID);
            profile.add(FetchProfile.Item.SIZE);
            profile.add(FetchProfile.Item.FLAGS);
            source.fetch(messages, profile);
            for (Message m : messages) {
                if (m.isSet(Flags.Flag.DELETED)) {
                    continue;
                }
                counts = counts.plus(take(intake, (UIDFolder) source, m));
                if (target != null) {
                    source.copyMessages(new Message[] {m}, target);
                    m.setFlag(Flags.Flag.DELETED, true);
                } else {
                    m.setFlags(new Flags(PROCESSED_KEYWORD), true);
                }
            }
            source.close(target != null); // expunge the moved messages
            source = null;
        } catch (MessagingException e) {
            throw new IOException("IMAP " + host + ":" + port + "/" + folder + ": " + e.getMessage(), e);
        } finally {
            closeQuietly(source, store);
        }
        return counts;
    }

    private IntakeResult take(ReportIntake intake, UIDFolder source, Message m) throws IOException, MessagingException {
        String origin = protocol + "://" + host + ":" + port + "/" + folder + " uid " + source.getUID(m);
        long max = intake.maxInputBytes();
        Bounded out = new Bounded(max);
        try {
            m.writeTo(out);
        } catch (FolderClosedException | StoreClosedException e) {
            throw e; // the connection is gone: stop the run, the next one goes on from here
        } catch (MessagingException | IOException e) {
            return intake.quarantine(out.head(), origin, "cannot read the message from the server: " + e);
        }
        if (out.total > max) {
            return intake.quarantine(out.head(), origin, "larger than " + max + " bytes (" + out.total
                    + "; kept: the first " + out.head().length + ")");
        }
        return intake.acceptMessage(out.toByteArray(), origin);
    }

    private Properties properties() {
        Properties p = new Properties();
        String prefix = "mail." + protocol + ".";
        String millis = Long.toString(timeout.toMillis());
        p.setProperty("mail.store.protocol", protocol);
        p.setProperty(prefix + "connectiontimeout", millis);
        p.setProperty(prefix + "timeout", millis);
        p.setProperty(prefix + "writetimeout", millis);
        p.setProperty(prefix + "ssl.checkserveridentity", "true");
        if (protocol.equals("imap")) {
            p.setProperty("mail.imap.starttls.enable", "true");
            p.setProperty("mail.imap.starttls.required", Boolean.toString(!allowPlaintext));
        }
        if (socketFactory != null) {
            p.put(prefix + "ssl.socketFactory", socketFactory);
        }
        return p;
    }

    private static void closeQuietly(@Nullable Folder folder, @Nullable Store store) {
        try {
            if (folder != null && folder.isOpen()) {
                folder.close(false);
            }
        } catch (MessagingException e) {
            // closing after a failure: the failure is what the caller sees
        }
        try {
            if (store != null) {
                store.close();
            }
        } catch (MessagingException e) {
            // as above
        }
    }

    private static String decode(@Nullable String raw) {
        return raw == null ? "" : URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Keeps up to the limit and counts the rest. */
    private static final class Bounded extends OutputStream {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final long limit;
        long total;

        Bounded(long limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) {
            if (total++ < limit) {
                kept.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            long room = Math.max(0, limit - total);
            kept.write(b, off, (int) Math.min(room, len));
            total += len;
        }

        byte[] toByteArray() {
            return kept.toByteArray();
        }

        byte[] head() {
            byte[] all = kept.toByteArray();
            return all.length <= 65536 ? all : Arrays.copyOf(all, 65536);
        }
    }

    /**
     * Configures an {@link ImapSource}.
     *
     * <pre>{@code
     * ImapSource.Builder b = ImapSource.builder().uri(URI.create("imap://tlsrpt@127.0.0.1:10143/INBOX"))
     *         .password(passwordChars).moveTo("Processed").timeout(Duration.ofSeconds(20));
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private @Nullable URI uri;
        private char[] password = new char[0];
        private @Nullable String moveTo;
        private boolean reprocess;
        private @Nullable SSLSocketFactory socketFactory;
        private boolean allowPlaintext;
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder() {}

        /**
         * Sets the server, user and folder: {@code imaps://user@host[:port]/FOLDER} or {@code
         * imap://...} (STARTTLS); the folder defaults to {@code INBOX}. The URI holds no password.
         *
         * @param uri the URI
         * @return this builder
         * @throws IllegalArgumentException if the URI is not {@code imap:} or {@code imaps:}, has no
         *     host or user, or holds a password
         */
        public Builder uri(URI uri) {
            Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("imap") && !scheme.equals("imaps")) {
                throw new IllegalArgumentException("'" + uri + "' is not an imap: or imaps: URI");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("'" + uri + "' has no host");
            }
            if (uri.getRawUserInfo() == null || uri.getRawUserInfo().isEmpty()) {
                throw new IllegalArgumentException("'" + uri + "' has no user (imaps://user@host/INBOX)");
            }
            if (uri.getRawUserInfo().contains(":")) {
                throw new IllegalArgumentException("the URI must not hold a password: give it from a file or the environment");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("'" + uri + "' has a query or fragment");
            }
            this.uri = uri;
            return this;
        }

        /**
         * Sets the password (copied).
         *
         * @param password the password
         * @return this builder
         */
        public Builder password(char[] password) {
            this.password = Objects.requireNonNull(password, "password").clone();
            return this;
        }

        /**
         * Moves processed messages to this folder (created if missing) instead of marking them with
         * {@link #PROCESSED_KEYWORD}.
         *
         * @param folder the folder name
         * @return this builder
         */
        public Builder moveTo(String folder) {
            Objects.requireNonNull(folder, "folder");
            if (folder.isBlank()) {
                throw new IllegalArgumentException("the folder name is blank");
            }
            this.moveTo = folder;
            return this;
        }

        /**
         * Reads messages marked as processed too (default false): the store still keeps each
         * report once.
         *
         * @param reprocess true to read every message
         * @return this builder
         */
        public Builder reprocess(boolean reprocess) {
            this.reprocess = reprocess;
            return this;
        }

        /**
         * Sets the TLS socket factory, for a server whose certificate chains to a private CA
         * (default: the JDK's).
         *
         * @param factory the factory
         * @return this builder
         */
        public Builder sslSocketFactory(SSLSocketFactory factory) {
            this.socketFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Lets {@code imap://} go on without STARTTLS when the server does not offer it (default
         * false). The password then crosses the network in clear: for a server on loopback only.
         *
         * @param allow true to allow
         * @return this builder
         */
        public Builder allowPlaintext(boolean allow) {
            this.allowPlaintext = allow;
            return this;
        }

        /**
         * Sets the timeout of connecting and of each read (default {@link #DEFAULT_TIMEOUT}).
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout " + timeout + " is not positive");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Builds the source.
         *
         * @return the source
         * @throws IllegalStateException if no URI is set
         */
        public ImapSource build() {
            if (uri == null) {
                throw new IllegalStateException("uri is not set");
            }
            return new ImapSource(this);
        }
    }
}
