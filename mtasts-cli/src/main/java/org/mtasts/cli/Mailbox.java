package org.mtasts.cli;

import org.mtasts.core.DomainName;
import org.mtasts.core.ParseResult;

/**
 * An e-mail address of the envelope ({@code MAIL FROM}, {@code RCPT TO}): a dot-atom local part
 * (RFC 5321 §4.1.2, RFC 5322 §3.2.3) at a domain. Quoted local parts and internationalised
 * addresses (SMTPUTF8) are not supported; a U-label domain is sent as its A-labels.
 *
 * @param local the local part
 * @param domain the domain
 */
record Mailbox(String local, DomainName domain) {

    /** The longest local part (RFC 5321 §4.5.3.1.1). */
    static final int MAX_LOCAL = 64;

    /**
     * Parses {@code local@domain}.
     *
     * @param text the address as given
     * @param option the option it came from, for the message
     * @return the address
     * @throws MtastsCli.UsageException naming the problem
     */
    static Mailbox parse(String text, String option) {
        int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1) {
            throw usage(option, text, "expected local@domain");
        }
        String local = text.substring(0, at);
        if (local.length() > MAX_LOCAL) {
            throw usage(option, text, "the local part is longer than " + MAX_LOCAL + " characters (RFC 5321 §4.5.3.1.1)");
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            throw usage(option, text, "a dot may not start or end the local part or follow another (RFC 5322 §3.2.3)");
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (!atext(c) && c != '.') {
                throw usage(option, text, "the local part may not contain '" + TlsProbe.printable(String.valueOf(c))
                        + "' (quoted local parts and SMTPUTF8 are not supported)");
            }
        }
        ParseResult<DomainName> domain = DomainName.parse(text.substring(at + 1));
        if (!domain.isValid()) {
            throw usage(option, text, "the domain is invalid: " + domain.syntaxError().orElseThrow().message());
        }
        return new Mailbox(local, domain.orElseThrow());
    }

    /** RFC 5322 §3.2.3 atext: letters, digits and {@code !#$%&'*+-/=?^_`{|}~}. */
    private static boolean atext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    private static MtastsCli.UsageException usage(String option, String text, String problem) {
        return new MtastsCli.UsageException(option + " '" + TlsProbe.printable(text) + "': " + problem);
    }

    /** {@code local@domain}, the domain in A-labels. */
    @Override
    public String toString() {
        return local + "@" + domain.ascii();
    }
}
