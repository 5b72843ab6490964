package org.mtasts.it;

import static org.mtasts.core.PolicyMode.ENFORCE;

import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;

/**
 * The expected per-domain table: every domain of {@code integration/realnet}, what is special about
 * it, what RFC 8461 expects a sender to end up with, what {@code MtaSts.resolve} gives (with its
 * reason code), and what the peer, postfix-mta-sts-resolver 1.1.2, gives through Unbound
 * (recursive) and straight from Knot (authoritative only). {@link MtaStsRealnetIT} checks our
 * column against the RFC's on the real servers, {@link PeerRealnetIT} checks the peer's columns
 * by running it, and {@code integration/realnet/differential.sh} prints the same comparison with
 * {@code mtasts check} for the README.
 *
 * <p>Where the peer is wrong: it does not check the id's syntax ({@link #BAD_ID}: VALID instead
 * of no policy, RFC 8461 §3.1 {@code id = 1*32(ALPHA / DIGIT)}), and its stub resolver does not
 * follow a CNAME that an authoritative-only server answers alone ({@link #CNAME_STS}: NONE from
 * Knot; RFC 8461 §3.1: senders MUST follow CNAMEs).
 */
enum RealnetDomain {
    EXAMPLE("example.test", "good, enforce, wildcard mx", "policy (enforce)",
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE, "fetched"),
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE), true),
    TESTING("testing.test", "mode: testing; TLSRPT rua=https:", "policy (testing)",
            Verdict.policy(PolicyMode.TESTING), Verdict.policy(PolicyMode.TESTING, "fetched"),
            Verdict.policy(PolicyMode.TESTING), Verdict.policy(PolicyMode.TESTING), true),
    NONE_MODE("none.test", "mode: none, no mx", "policy (none)",
            Verdict.policy(PolicyMode.NONE), Verdict.policy(PolicyMode.NONE, "fetched"),
            Verdict.policy(PolicyMode.NONE), Verdict.policy(PolicyMode.NONE), true),
    CRLF("crlf.test", "policy lines end in CRLF", "policy: the ABNF allows CRLF or LF",
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE, "fetched"),
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE), true),
    SPLIT_TXT("split-txt.test", "TXT \"v=STSv1; \" \"id=20240101T000003;\"",
            "policy: the strings are joined without spaces (RFC 8461 §3.1)",
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE, "fetched"),
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE), true),
    MIXED_TXT("mixed-txt.test", "TXT \"v=spf1 -all\" beside the STS record",
            "policy: records not starting with v=STSv1; are dropped (RFC 8461 §3.1)",
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE, "fetched"),
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE), true),
    CNAME_STS("cname-sts.test", "_mta-sts, mta-sts and _smtp._tls are CNAMEs into example.test",
            "policy: senders MUST follow CNAMEs on _mta-sts (RFC 8461 §3.1)",
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE, "fetched"),
            Verdict.policy(ENFORCE), Verdict.NONE, true),
    TWO_STS("two-sts.test", "two v=STSv1 TXT records", "no policy: the count must be exactly 1 (RFC 8461 §3.1)",
            Verdict.NONE, Verdict.none("sts-record-multiple"), Verdict.NONE, Verdict.NONE, true),
    NO_STS("no-sts.test", "no _mta-sts record (NXDOMAIN)", "no policy",
            Verdict.NONE, Verdict.none("sts-record-absent"), Verdict.NONE, Verdict.NONE, true),
    NO_ID("no-id.test", "TXT \"v=STSv1;\"", "no policy: invalid record (RFC 8461 §3.1)",
            Verdict.NONE, Verdict.none("sts-record-invalid"), Verdict.NONE, Verdict.NONE, true),
    BAD_ID("bad-id.test", "TXT \"v=STSv1; id=not_a-valid.id!;\"",
            "no policy: id must be 1*32(ALPHA/DIGIT) (RFC 8461 §3.1)",
            Verdict.NONE, Verdict.none("sts-record-invalid"),
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE), true),
    NXDOMAIN("nxdomain.test", "no zone at all", "no policy",
            Verdict.NONE, Verdict.none("sts-record-absent"), Verdict.NONE, Verdict.NONE, true),
    NO_POLICY_HOST("no-policy-host.test", "mta-sts. has no A record", "fetch fails: no usable policy (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("policy-host-not-found"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, true),
    REDIRECT("redirect.test", "301 to example.test's policy", "fetch fails: 3xx MUST NOT be followed (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("http-status-301"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, true),
    WRONG_CTYPE("wrong-ctype.test", "Content-Type: text/html",
            "fetch fails: senders SHOULD check for text/plain (RFC 8461 §3.2)",
            Verdict.FETCH_ERROR, Verdict.fetchError("content-type-not-text-plain"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, true),
    OVERSIZED("oversized.test", "71,106 bytes", "fetch fails: senders MAY cap the size, 64 KB suggested (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("policy-too-large"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, true),
    HTTP404("http404.test", "404", "fetch fails: only 200 serves a policy (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("http-status-404"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, true),
    HTTP_ONLY("http-only.test", "served over plain HTTP only", "fetch fails: HTTPS is required (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("connect-failed"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, true),
    EXPIRED_CERT("expired-cert.test", "expired certificate (policy host and MX)",
            "fetch fails: the certificate MUST be valid (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("certificate-expired"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, true),
    WRONG_CERT("wrong-cert.test", "certificate only for www.example.test",
            "fetch fails: the certificate MUST name mta-sts.<domain> (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("certificate-host-mismatch"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, true),
    SELFSIGNED("selfsigned.test", "self-signed certificate", "fetch fails: the certificate MUST chain to a trusted root (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("certificate-not-trusted"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, true),
    NOCHAIN("nochain.test", "intermediate not sent", "fetch fails: no path to a trusted root (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("certificate-not-trusted"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, true),
    BAD_POLICY("bad-policy.test", "mode: enforce with no mx: line",
            "invalid policy: mx is required unless the mode is none (RFC 8461 §3.2)",
            Verdict.FETCH_ERROR, Verdict.fetchError("policy-missing-mx"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, true),
    MX_MISMATCH("mx-mismatch.test", "MX mail.mx-mismatch.test; the policy allows only mx1.example.test",
            "policy (enforce); delivery to the MX must fail MX validation (RFC 8461 §4.1)",
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE, "fetched"),
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE), false);

    private final DomainName domain;
    private final String special;
    private final String rfcText;
    private final Verdict rfc;
    private final Verdict ours;
    private final Verdict peerRecursive;
    private final Verdict peerAuthoritative;
    private final boolean mxMatch;

    RealnetDomain(String domain, String special, String rfcText, Verdict rfc, Verdict ours, Verdict peerRecursive,
            Verdict peerAuthoritative, boolean mxMatch) {
        this.domain = DomainName.of(domain);
        this.special = special;
        this.rfcText = rfcText;
        this.rfc = rfc;
        this.ours = ours;
        this.peerRecursive = peerRecursive;
        this.peerAuthoritative = peerAuthoritative;
        this.mxMatch = mxMatch;
    }

    /** The domain. */
    DomainName domain() {
        return domain;
    }

    /** What the recipe set up specially. */
    String special() {
        return special;
    }

    /** The recipe README's "RFC expectation" column. */
    String rfcText() {
        return rfcText;
    }

    /** What RFC 8461 expects a sender to end up with. */
    Verdict rfc() {
        return rfc;
    }

    /** What {@code MtaSts.resolve} gives, with our reason or failure-reason code. */
    Verdict ours() {
        return ours;
    }

    /** The peer's {@code mta-sts-query}, resolving through Unbound (recursive). */
    Verdict peerRecursive() {
        return peerRecursive;
    }

    /** The peer's {@code mta-sts-query}, resolving straight from Knot (authoritative only). */
    Verdict peerAuthoritative() {
        return peerAuthoritative;
    }

    /** For a domain with a policy: whether every MX host matches it (RFC 8461 §4.1). */
    boolean mxMatch() {
        return mxMatch;
    }

    @Override
    public String toString() {
        return domain.ascii();
    }
}
