package org.mtasts.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/**
 * A TSIG key (RFC 8945) that signs dynamic updates: its name, its HMAC algorithm and its secret.
 * The secret never appears in {@link #toString()}.
 *
 * <p>{@link #fromKeyFile(String)} reads the three forms that BIND and Knot DNS tools write:
 * <ul>
 *   <li>BIND ({@code tsig-keygen}, {@code named.conf}):
 *       {@code key "update" { algorithm hmac-sha256; secret "c2VjcmV0..."; };}</li>
 *   <li>Knot DNS ({@code keymgr -t update hmac-sha256}): a {@code key:} list with {@code id},
 *       {@code algorithm} and {@code secret};</li>
 *   <li>one line {@code [algorithm:]name:secret}, as {@code kdig -y} and {@code knsupdate -y} take
 *       it (the algorithm defaults to hmac-sha256).</li>
 * </ul>
 * Only HMAC-SHA256, HMAC-SHA384 and HMAC-SHA512 are accepted: RFC 8945 §6 recommends
 * HMAC-SHA256, says HMAC-MD5 must not be used and does not recommend HMAC-SHA1.
 *
 * <pre>{@code
 * TsigKey key = TsigKey.fromKeyFile("key \"update\" { algorithm hmac-sha256; secret \"c2VjcmV0c2VjcmV0c2VjcmV0\"; };");
 * String name = key.name();                          // "update"
 * String algorithm = key.algorithm();                // "hmac-sha256"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8945#section-6">RFC 8945 §6</a>
 * @since 0.1
 */
public final class TsigKey {

    /** The algorithms accepted, by their RFC 8945 names. */
    private static final java.util.List<String> ALGORITHMS = java.util.List.of("hmac-sha256", "hmac-sha384", "hmac-sha512");

    /** The largest key file read. */
    private static final int MAX_FILE_BYTES = 64 * 1024;

    private final String name;
    private final String algorithm;
    private final byte[] secret;

    private TsigKey(String name, String algorithm, byte[] secret) {
        this.name = name;
        this.algorithm = algorithm;
        this.secret = secret;
    }

    /**
     * Makes a key from its parts.
     *
     * @param name the key name, a DNS name such as {@code update} or {@code update.example.com}
     * @param algorithm {@code hmac-sha256}, {@code hmac-sha384} or {@code hmac-sha512} (any case)
     * @param base64Secret the secret in base64
     * @return the key
     * @throws IllegalArgumentException naming the part that is not valid
     */
    public static TsigKey of(String name, String algorithm, String base64Secret) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(base64Secret, "base64Secret");
        String problem = checkName(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        problem = checkAlgorithm(algorithm);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        byte[] secret = decode(base64Secret);
        if (secret == null) {
            throw new IllegalArgumentException(secretProblem(base64Secret));
        }
        return new TsigKey(canonicalName(name), algorithm.toLowerCase(Locale.ROOT), secret);
    }

    /**
     * Reads a key file in one of the three forms of the class description.
     *
     * @param text the file's content
     * @return the key
     * @throws IllegalArgumentException with the line (and column, where one applies) of the first
     *     problem, such as {@code line 3, column 5: expected "secret" or "algorithm", found "secrt"}
     */
    public static TsigKey fromKeyFile(String text) {
        Objects.requireNonNull(text, "text");
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("//") || line.startsWith(";")) {
                continue;
            }
            if (line.equals("key:")) {
                return fromKnotYaml(lines, i);
            }
            if (line.startsWith("key ") || line.startsWith("key\t") || line.startsWith("key\"")) {
                return new BindParser(text).parse();
            }
            return fromLine(lines, i);
        }
        throw new IllegalArgumentException("no key in the file: expected key \"NAME\" { algorithm ...; secret \"...\"; };, "
                + "Knot's key: list or NAME:SECRET");
    }

    /**
     * Reads a key file ({@link #fromKeyFile(String)}).
     *
     * @param file the key file
     * @return the key
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the file, the line and the problem
     */
    public static TsigKey load(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(file + ": larger than " + MAX_FILE_BYTES + " bytes, not a key file");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return fromKeyFile(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** {@return the key name, lower case, without the trailing dot} */
    public String name() {
        return name;
    }

    /** {@return the algorithm, such as {@code hmac-sha256}} */
    public String algorithm() {
        return algorithm;
    }

    /** Returns the dnsjava signer for this key. */
    TSIG tsig() {
        try {
            return new TSIG(TSIG.algorithmToName(algorithm), Name.fromString(name + "."), secret.clone());
        } catch (TextParseException e) {
            throw new IllegalStateException("checked name became invalid: " + name, e);
        }
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof TsigKey k && k.name.equals(name) && k.algorithm.equals(algorithm)
                && java.security.MessageDigest.isEqual(k.secret, secret);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, algorithm);
    }

    /** {@return the name and algorithm, never the secret} */
    @Override
    public String toString() {
        return "TsigKey[" + name + ", " + algorithm + "]";
    }

    // ---- the three forms ----------------------------------------------------------------------

    private static final Pattern YAML_ITEM = Pattern.compile("^\\s*(-\\s+)?([a-z-]+)\\s*:\\s*(.*?)\\s*$");

    private static TsigKey fromKnotYaml(String[] lines, int keyLine) {
        String id = null;
        String algorithm = null;
        String secret = null;
        int idLine = 0;
        int algorithmLine = 0;
        int secretLine = 0;
        int items = 0;
        for (int i = keyLine + 1; i < lines.length; i++) {
            String raw = lines[i];
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!Character.isWhitespace(raw.charAt(0)) && !line.startsWith("-")) {
                break; // the next top-level section
            }
            Matcher m = YAML_ITEM.matcher(raw);
            if (!m.matches()) {
                throw new IllegalArgumentException(at(i + 1, 1 + indent(raw), "expected \"id: NAME\", \"algorithm: ALGORITHM\" "
                        + "or \"secret: BASE64\", found " + quote(line)));
            }
            if (m.group(1) != null) {
                items++;
                if (items > 1) {
                    throw new IllegalArgumentException(at(i + 1, 1 + indent(raw), "a second key; the file must hold exactly one"));
                }
            }
            String value = unquote(m.group(3));
            switch (m.group(2)) {
                case "id" -> { id = value; idLine = i + 1; }
                case "algorithm" -> { algorithm = value; algorithmLine = i + 1; }
                case "secret" -> { secret = value; secretLine = i + 1; }
                default -> throw new IllegalArgumentException(at(i + 1, 1 + raw.indexOf(m.group(2)),
                        "unknown key setting " + quote(m.group(2)) + "; expected id, algorithm or secret"));
            }
        }
        if (id == null) {
            throw new IllegalArgumentException(at(keyLine + 1, 1, "the key has no \"id:\""));
        }
        if (algorithm == null) {
            throw new IllegalArgumentException(at(idLine, 0, "the key " + quote(id) + " has no \"algorithm:\""));
        }
        if (secret == null) {
            throw new IllegalArgumentException(at(idLine, 0, "the key " + quote(id) + " has no \"secret:\""));
        }
        return build(id, idLine, algorithm, algorithmLine, secret, secretLine);
    }

    private static TsigKey fromLine(String[] lines, int index) {
        String line = lines[index].strip();
        for (int i = index + 1; i < lines.length; i++) {
            String more = lines[i].strip();
            if (!more.isEmpty() && !more.startsWith("#")) {
                throw new IllegalArgumentException(at(i + 1, 1, "more than one line; a NAME:SECRET key file holds one line"));
            }
        }
        String[] parts = line.split(":", -1);
        if (parts.length == 2) {
            return build(parts[0], index + 1, "hmac-sha256", index + 1, parts[1], index + 1);
        }
        if (parts.length == 3) {
            return build(parts[1], index + 1, parts[0], index + 1, parts[2], index + 1);
        }
        throw new IllegalArgumentException(at(index + 1, 1, "expected [ALGORITHM:]NAME:SECRET, key \"NAME\" { ... }; "
                + "or Knot's key: list, found " + quote(line)));
    }

    private static TsigKey build(String name, int nameLine, String algorithm, int algorithmLine, String secret, int secretLine) {
        String problem = checkName(name);
        if (problem != null) {
            throw new IllegalArgumentException(at(nameLine, 0, problem));
        }
        problem = checkAlgorithm(algorithm);
        if (problem != null) {
            throw new IllegalArgumentException(at(algorithmLine, 0, problem));
        }
        byte[] bytes = decode(secret);
        if (bytes == null) {
            throw new IllegalArgumentException(at(secretLine, 0, secretProblem(secret)));
        }
        return new TsigKey(canonicalName(name), algorithm.toLowerCase(Locale.ROOT), bytes);
    }

    /** The BIND form: {@code key NAME { algorithm ALG; secret "B64"; };}, with comments. */
    private static final class BindParser {
        private final String text;
        private int at;
        private int line = 1;
        private int column = 1;
        private int tokenLine;
        private int tokenColumn;

        BindParser(String text) {
            this.text = text;
        }

        TsigKey parse() {
            expect("key");
            String name = token("the key name");
            int nameLine = tokenLine;
            expect("{");
            String algorithm = null;
            String secret = null;
            int algorithmLine = 0;
            int secretLine = 0;
            while (true) {
                String word = token("\"algorithm\", \"secret\" or \"}\"");
                if (word.equals("}")) {
                    break;
                }
                if (word.equals("algorithm")) {
                    algorithm = token("the algorithm");
                    algorithmLine = tokenLine;
                } else if (word.equals("secret")) {
                    secret = token("the secret");
                    secretLine = tokenLine;
                } else {
                    throw new IllegalArgumentException(at(tokenLine, tokenColumn,
                            "expected \"algorithm\", \"secret\" or \"}\", found " + quote(word)));
                }
                expect(";");
            }
            int closeLine = tokenLine;
            int closeColumn = tokenColumn;
            expect(";");
            String extra = next();
            if (extra != null) {
                throw new IllegalArgumentException(at(tokenLine, tokenColumn, extra.equals("key")
                        ? "a second key; the file must hold exactly one" : "unexpected " + quote(extra) + " after the key"));
            }
            if (algorithm == null) {
                throw new IllegalArgumentException(at(closeLine, closeColumn, "the key " + quote(name) + " has no algorithm"));
            }
            if (secret == null) {
                throw new IllegalArgumentException(at(closeLine, closeColumn, "the key " + quote(name) + " has no secret"));
            }
            return build(name, nameLine, algorithm, algorithmLine, secret, secretLine);
        }

        private void expect(String word) {
            String found = next();
            if (found == null) {
                throw new IllegalArgumentException(at(line, column, "expected " + quote(word) + ", found the end of the file"));
            }
            if (!found.equals(word)) {
                throw new IllegalArgumentException(at(tokenLine, tokenColumn, "expected " + quote(word) + ", found " + quote(found)));
            }
        }

        private String token(String what) {
            String found = next();
            if (found == null) {
                throw new IllegalArgumentException(at(line, column, "expected " + what + ", found the end of the file"));
            }
            if (found.equals(";") || found.equals("{") || (found.equals("}") && !what.contains("}"))) {
                throw new IllegalArgumentException(at(tokenLine, tokenColumn, "expected " + what + ", found " + quote(found)));
            }
            return found;
        }

        /** The next token (a word, a quoted string's content, or one of {@code { } ;}), or null at the end. */
        private @Nullable String next() {
            skipSpaceAndComments();
            if (at >= text.length()) {
                return null;
            }
            tokenLine = line;
            tokenColumn = column;
            char c = text.charAt(at);
            if (c == '{' || c == '}' || c == ';') {
                advance();
                return String.valueOf(c);
            }
            StringBuilder word = new StringBuilder();
            if (c == '"') {
                advance();
                while (at < text.length() && text.charAt(at) != '"') {
                    if (text.charAt(at) == '\n') {
                        throw new IllegalArgumentException(at(tokenLine, tokenColumn, "unterminated quoted string"));
                    }
                    word.append(text.charAt(at));
                    advance();
                }
                if (at >= text.length()) {
                    throw new IllegalArgumentException(at(tokenLine, tokenColumn, "unterminated quoted string"));
                }
                advance();
                return word.toString();
            }
            while (at < text.length()) {
                char d = text.charAt(at);
                if (Character.isWhitespace(d) || d == '{' || d == '}' || d == ';' || d == '"') {
                    break;
                }
                word.append(d);
                advance();
            }
            return word.toString();
        }

        private void skipSpaceAndComments() {
            while (at < text.length()) {
                char c = text.charAt(at);
                if (Character.isWhitespace(c)) {
                    advance();
                } else if (c == '#' || text.startsWith("//", at)) {
                    while (at < text.length() && text.charAt(at) != '\n') {
                        advance();
                    }
                } else if (text.startsWith("/*", at)) {
                    int startLine = line;
                    int startColumn = column;
                    advance();
                    advance();
                    while (at < text.length() && !text.startsWith("*/", at)) {
                        advance();
                    }
                    if (at >= text.length()) {
                        throw new IllegalArgumentException(at(startLine, startColumn, "unterminated /* comment"));
                    }
                    advance();
                    advance();
                } else {
                    return;
                }
            }
        }

        private void advance() {
            if (text.charAt(at) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
            at++;
        }
    }

    // ---- checks -------------------------------------------------------------------------------

    private static @Nullable String checkName(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty()) {
            return "the key name is empty";
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '\\' || c == '"') {
                return "the key name " + quote(name) + " has a character that is not allowed at position " + (i + 1);
            }
        }
        try {
            Name.fromString(n + ".");
        } catch (TextParseException e) {
            return "the key name " + quote(name) + " is not a DNS name: " + e.getMessage();
        }
        return null;
    }

    private static String canonicalName(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return n.toLowerCase(Locale.ROOT);
    }

    private static @Nullable String checkAlgorithm(String algorithm) {
        String a = algorithm.toLowerCase(Locale.ROOT);
        if (a.endsWith(".")) {
            a = a.substring(0, a.length() - 1);
        }
        if (ALGORITHMS.contains(a)) {
            return null;
        }
        if (a.equals("hmac-md5") || a.equals("hmac-md5.sig-alg.reg.int") || a.equals("hmac-sha1") || a.equals("hmac-sha224")) {
            // RFC 8945 §6: HMAC-MD5 MUST NOT be used, HMAC-SHA1 is NOT RECOMMENDED, HMAC-SHA256 is RECOMMENDED.
            return "algorithm " + quote(algorithm) + " is not accepted: use hmac-sha256 (RFC 8945 §6)";
        }
        return "unknown algorithm " + quote(algorithm) + ": expected hmac-sha256, hmac-sha384 or hmac-sha512";
    }

    private static byte @Nullable [] decode(String base64) {
        if (base64.isEmpty()) {
            return null;
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(base64);
            return bytes.length == 0 ? null : bytes;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String secretProblem(String base64) {
        if (base64.isEmpty()) {
            return "the secret is empty";
        }
        for (int i = 0; i < base64.length(); i++) {
            char c = base64.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
            if (!ok) {
                return "the secret is not base64: character " + quote(String.valueOf(c)) + " at position " + (i + 1);
            }
        }
        return "the secret is not base64: its length or padding is wrong (" + base64.length() + " characters)";
    }

    private static String at(int line, int column, String detail) {
        return column > 0 ? "line " + line + ", column " + column + ": " + detail : "line " + line + ": " + detail;
    }

    private static int indent(String raw) {
        int i = 0;
        while (i < raw.length() && Character.isWhitespace(raw.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && ((value.startsWith("\"") && value.endsWith("\"")) || (value.startsWith("'") && value.endsWith("'")))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static String quote(String text) {
        return org.mtasts.core.SafeText.quote(text);
    }
}
