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
 *
 * <p>{@link #DANE} is the MTA-STS verdict only: its policy is valid and its MX passes the checks of
 * RFC 8461 §4. A sender that also validates DANE uses the zone's DNSSEC-validated TLSA records first
 * (RFC 8461 §2); {@code MtaSts} and {@code mtasts check} do not look at TLSA records (the Postfix
 * policy server does, see {@code PostfixSenderRealnetIT}).
 */
enum RealnetDomain {
    EXAMPLE("example.test", "good, enforce, wildcard mx", "policy (enforce)",
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE, "fetched"),
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE), Mx.DELIVER),
    TESTING("testing.test", "mode: testing; TLSRPT rua=https:", "policy (testing)",
            Verdict.policy(PolicyMode.TESTING), Verdict.policy(PolicyMode.TESTING, "fetched"),
            Verdict.policy(PolicyMode.TESTING), Verdict.policy(PolicyMode.TESTING), Mx.DELIVER),
    NONE_MODE("none.test", "mode: none, no mx", "policy (none)",
            Verdict.policy(PolicyMode.NONE), Verdict.policy(PolicyMode.NONE, "fetched"),
            Verdict.policy(PolicyMode.NONE), Verdict.policy(PolicyMode.NONE), Mx.DELIVER),
    CRLF("crlf.test", "policy lines end in CRLF", "policy: the ABNF allows CRLF or LF",
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE, "fetched"),
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE), Mx.DELIVER),
    SPLIT_TXT("split-txt.test", "TXT \"v=STSv1; \" \"id=20240101T000003;\"",
            "policy: the strings are joined without spaces (RFC 8461 §3.1)",
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE, "fetched"),
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE), Mx.DELIVER),
    MIXED_TXT("mixed-txt.test", "TXT \"v=spf1 -all\" beside the STS record",
            "policy: records not starting with v=STSv1; are dropped (RFC 8461 §3.1)",
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE, "fetched"),
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE), Mx.DELIVER),
    CNAME_STS("cname-sts.test", "_mta-sts, mta-sts and _smtp._tls are CNAMEs into example.test",
            "policy: senders MUST follow CNAMEs on _mta-sts (RFC 8461 §3.1)",
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE, "fetched"),
            Verdict.policy(ENFORCE), Verdict.NONE, Mx.DELIVER),
    TWO_STS("two-sts.test", "two v=STSv1 TXT records", "no policy: the count must be exactly 1 (RFC 8461 §3.1)",
            Verdict.NONE, Verdict.none("sts-record-multiple"), Verdict.NONE, Verdict.NONE, Mx.DELIVER),
    NO_STS("no-sts.test", "no _mta-sts record (NXDOMAIN)", "no policy",
            Verdict.NONE, Verdict.none("sts-record-absent"), Verdict.NONE, Verdict.NONE, Mx.DELIVER),
    NO_ID("no-id.test", "TXT \"v=STSv1;\"", "no policy: invalid record (RFC 8461 §3.1)",
            Verdict.NONE, Verdict.none("sts-record-invalid"), Verdict.NONE, Verdict.NONE, Mx.DELIVER),
    BAD_ID("bad-id.test", "TXT \"v=STSv1; id=not_a-valid.id!;\"",
            "no policy: id must be 1*32(ALPHA/DIGIT) (RFC 8461 §3.1)",
            Verdict.NONE, Verdict.none("sts-record-invalid"),
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE), Mx.DELIVER),
    NXDOMAIN("nxdomain.test", "no zone at all", "no policy",
            Verdict.NONE, Verdict.none("sts-record-absent"), Verdict.NONE, Verdict.NONE, Mx.DELIVER),
    NO_POLICY_HOST("no-policy-host.test", "mta-sts. has no A record", "fetch fails: no usable policy (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("policy-host-not-found"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, Mx.DELIVER),
    REDIRECT("redirect.test", "301 to example.test's policy", "fetch fails: 3xx MUST NOT be followed (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("http-status-301"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, Mx.DELIVER),
    WRONG_CTYPE("wrong-ctype.test", "Content-Type: text/html",
            "fetch fails: senders SHOULD check for text/plain (RFC 8461 §3.2)",
            Verdict.FETCH_ERROR, Verdict.fetchError("content-type-not-text-plain"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, Mx.DELIVER),
    OVERSIZED("oversized.test", "71,106 bytes", "fetch fails: senders MAY cap the size, 64 KB suggested (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("policy-too-large"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, Mx.DELIVER),
    HTTP404("http404.test", "404", "fetch fails: only 200 serves a policy (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("http-status-404"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, Mx.DELIVER),
    HTTP_ONLY("http-only.test", "served over plain HTTP only", "fetch fails: HTTPS is required (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("connect-failed"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, Mx.DELIVER),
    EXPIRED_CERT("expired-cert.test", "expired certificate (policy host and MX)",
            "fetch fails: the certificate MUST be valid (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("certificate-expired"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, Mx.DELIVER),
    WRONG_CERT("wrong-cert.test", "certificate only for www.example.test",
            "fetch fails: the certificate MUST name mta-sts.<domain> (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("certificate-host-mismatch"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, Mx.DELIVER),
    SELFSIGNED("selfsigned.test", "self-signed certificate", "fetch fails: the certificate MUST chain to a trusted root (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("certificate-not-trusted"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, Mx.DELIVER),
    NOCHAIN("nochain.test", "intermediate not sent", "fetch fails: no path to a trusted root (RFC 8461 §3.3)",
            Verdict.FETCH_ERROR, Verdict.fetchError("certificate-not-trusted"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, Mx.DELIVER),
    BAD_POLICY("bad-policy.test", "mode: enforce with no mx: line",
            "invalid policy: mx is required unless the mode is none (RFC 8461 §3.2)",
            Verdict.FETCH_ERROR, Verdict.fetchError("policy-missing-mx"),
            Verdict.FETCH_ERROR, Verdict.FETCH_ERROR, Mx.DELIVER),
    MX_MISMATCH("mx-mismatch.test", "MX mail.mx-mismatch.test; the policy allows only mx1.example.test",
            "policy (enforce); delivery to the MX must fail MX validation (RFC 8461 §4.1)",
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE, "fetched"),
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE), Mx.NOT_IN_POLICY),
    BAD_MX_CERT("bad-mx-cert.test", "MX mx.bad-mx-cert.test presents a trusted certificate for www.example.test",
            "policy (enforce); delivery to the MX must fail the certificate check (RFC 8461 §4.2)",
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE, "fetched"),
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE), Mx.CERTIFICATE_HOST_MISMATCH),
    DANE("dane.test", "DNSSEC-signed, TLSA 3 1 1 on mx1.dane.test, and an enforce policy",
            "policy (enforce); a DANE sender uses the validated TLSA records first (RFC 8461 §2)",
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE, "fetched"),
            Verdict.policy(ENFORCE), Verdict.policy(ENFORCE), Mx.DELIVER);

    /**
     * What a sender applying the domain's policy does with its MX hosts: each one is resolved, then
     * matched against the policy (RFC 8461 §4.1) and, if it matches, asked for STARTTLS and its
     * certificate checked (RFC 8461 §4.2).
     */
    enum Mx {
        /** Every MX host matches the policy and presents a valid certificate: delivered to. */
        DELIVER,
        /** The MX host matches no {@code mx} pattern: refused under enforce, before any connection (§4.1). */
        NOT_IN_POLICY,
        /** The MX host matches, but its certificate names another host: refused under enforce (§4.2). */
        CERTIFICATE_HOST_MISMATCH
    }

    private final DomainName domain;
    private final String special;
    private final String rfcText;
    private final Verdict rfc;
    private final Verdict ours;
    private final Verdict peerRecursive;
    private final Verdict peerAuthoritative;
    private final Mx mx;

    RealnetDomain(String domain, String special, String rfcText, Verdict rfc, Verdict ours, Verdict peerRecursive,
            Verdict peerAuthoritative, Mx mx) {
        this.domain = DomainName.of(domain);
        this.special = special;
        this.rfcText = rfcText;
        this.rfc = rfc;
        this.ours = ours;
        this.peerRecursive = peerRecursive;
        this.peerAuthoritative = peerAuthoritative;
        this.mx = mx;
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

    /** For a domain with a policy in mode enforce or testing: what becomes of its MX hosts. */
    Mx mx() {
        return mx;
    }

    @Override
    public String toString() {
        return domain.ascii();
    }
}
