package org.mtasts.testkit;

import java.util.Optional;

/**
 * Ready-made sandbox domains: one fully correct domain and one for each classic mistake a domain
 * owner makes when rolling out MTA-STS. Names are fixed (under {@code .example}, which cannot
 * leak), so tests and the CLI's {@code demo} can refer to them.
 *
 * <p>Unless its description says otherwise, each domain publishes {@code v=STSv1; id=20260101T000000}
 * at {@code _mta-sts}, a TLS-RPT record {@code v=TLSRPTv1; rua=mailto:tlsrpt@<domain>}, an
 * enforce policy listing its MX hosts with {@code max_age: 604800} on a policy host with a valid
 * certificate, and MX hosts {@code mx1.<domain>} (and sometimes {@code mx2.<domain>}) offering
 * STARTTLS with valid certificates.
 *
 * <pre>{@code
 * try (MtaStsSandbox sandbox = MtaStsSandbox.builder().allScenarios().start()) {
 *     for (Scenario s : Scenario.values()) {
 *         System.out.println(s.domain() + ": " + s.mistake());
 *     }
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public enum Scenario {

    /** Everything right: enforce, two MX hosts, TLS-RPT record, certificates right. */
    GOOD("good.example", "none: enforce, two MX hosts, a TLS-RPT record, every certificate right"),

    /** The policy lists the apex domain while the MX host is a subdomain of it. */
    APEX_LISTED("apex-listed.example",
            "the policy lists 'apex-listed.example' but the MX host is mail.apex-listed.example "
                    + "(an mx pattern matches one name, or one label under '*.')"),

    /**
     * The policy was edited but the record id was not changed: {@link #editedSpec()} gives the
     * domain after the edit (MX moved to mx2, policy lists mx2, same id), to apply with {@link
     * MtaStsSandbox#update(DomainSpec)}; senders that cached the first policy keep enforcing it.
     */
    ID_NOT_CHANGED("id-not-changed.example",
            "the policy was edited (the MX moved from mx1 to mx2) but the _mta-sts id was not changed, "
                    + "so senders keep the cached policy"),

    /** The policy is served over plain HTTP only; the HTTPS port closes connections. */
    HTTP_ONLY("http-only.example", "the policy is served over plain HTTP only; HTTPS fails"),

    /** The MX host's certificate is the web site's ({@code www.<domain>}, {@code <domain>}). */
    MX_CERT_WEB_ONLY("mx-cert-web-only.example",
            "the MX host presents the web site's certificate (www.mx-cert-web-only.example, "
                    + "mx-cert-web-only.example), not one for mx1.mx-cert-web-only.example"),

    /** Enforce mode without a TLS-RPT record: nobody hears about failures. */
    NO_TLSRPT("no-tlsrpt.example", "enforce mode but no _smtp._tls TLS-RPT record"),

    /** Two STS records at {@code _mta-sts}: senders treat the domain as having no policy. */
    TWO_RECORDS("two-records.example", "two v=STSv1 TXT records at _mta-sts, so there is no policy"),

    /** The policy host's certificate has expired. */
    EXPIRED_POLICY_CERT("expired-policy-cert.example", "the policy host's certificate has expired"),

    /** An MX host ({@code mx2}) that the policy does not list. */
    MX_NOT_IN_POLICY("mx-not-in-policy.example",
            "the MX record mx2.mx-not-in-policy.example is not listed in the policy"),

    /** The policy is in testing mode: failures are reported, not enforced. */
    TESTING_MODE("testing-mode.example", "the policy is in mode testing: nothing is enforced yet"),

    /** The MX host's certificate is self-signed. */
    UNTRUSTED_MX_CERT("untrusted-mx-cert.example", "the MX host presents a self-signed certificate"),

    /** The MX host's certificate has expired. */
    EXPIRED_MX_CERT("expired-mx-cert.example", "the MX host's certificate has expired"),

    /** A max_age of one hour: the policy protects little between fetches. */
    SHORT_MAX_AGE("short-max-age.example", "max_age is 3600 seconds, far below the weeks recommended"),

    /** The MX host does not offer STARTTLS. */
    NO_STARTTLS("no-starttls.example", "the MX host does not offer STARTTLS"),

    /** An STS record but no policy host: {@code mta-sts.<domain>} does not resolve. */
    NO_POLICY_HOST("no-policy-host.example",
            "an _mta-sts record is published but mta-sts.no-policy-host.example does not exist");

    /** The record id every scenario publishes. */
    public static final String RECORD_ID = "20260101T000000";

    private final String domain;
    private final String mistake;

    Scenario(String domain, String mistake) {
        this.domain = domain;
        this.mistake = mistake;
    }

    /** {@return the domain name, such as {@code good.example}} */
    public String domain() {
        return domain;
    }

    /** {@return what is wrong with the domain, in one sentence ({@code none: ...} for {@link #GOOD})} */
    public String mistake() {
        return mistake;
    }

    /** {@return a new spec of the domain as it starts} */
    public DomainSpec spec() {
        String mx1 = "mx1." + domain;
        String mx2 = "mx2." + domain;
        switch (this) {
            case GOOD:
                return standard(policy("enforce", 604_800, mx1, mx2)).mx(10, mx1).mx(20, mx2);
            case APEX_LISTED:
                return standard(policy("enforce", 604_800, domain)).mx(10, "mail." + domain);
            case ID_NOT_CHANGED:
                return standard(policy("enforce", 604_800, mx1)).mx(10, mx1).mxHost(SmtpHost.of(mx2));
            case HTTP_ONLY:
                return standard(policy("enforce", 604_800, mx1)).mx(10, mx1).policyHost(PolicyHost.DEFAULT.withoutHttps());
            case MX_CERT_WEB_ONLY:
                return standard(policy("enforce", 604_800, mx1))
                        .mx(10, SmtpHost.of(mx1).withCertificate(CertificateVariant.WRONG_HOST));
            case NO_TLSRPT:
                return base().stsRecord("v=STSv1; id=" + RECORD_ID).policy(policy("enforce", 604_800, mx1)).mx(10, mx1);
            case TWO_RECORDS:
                return standard(policy("enforce", 604_800, mx1)).stsRecord("v=STSv1; id=20260102T000000").mx(10, mx1);
            case EXPIRED_POLICY_CERT:
                return standard(policy("enforce", 604_800, mx1)).mx(10, mx1)
                        .policyHost(PolicyHost.DEFAULT.withCertificate(CertificateVariant.EXPIRED));
            case MX_NOT_IN_POLICY:
                return standard(policy("enforce", 604_800, mx1)).mx(10, mx1).mx(20, mx2);
            case TESTING_MODE:
                return standard(policy("testing", 604_800, mx1)).mx(10, mx1);
            case UNTRUSTED_MX_CERT:
                return standard(policy("enforce", 604_800, mx1))
                        .mx(10, SmtpHost.of(mx1).withCertificate(CertificateVariant.SELF_SIGNED));
            case EXPIRED_MX_CERT:
                return standard(policy("enforce", 604_800, mx1))
                        .mx(10, SmtpHost.of(mx1).withCertificate(CertificateVariant.EXPIRED));
            case SHORT_MAX_AGE:
                return standard(policy("enforce", 3600, mx1)).mx(10, mx1);
            case NO_STARTTLS:
                return standard(policy("enforce", 604_800, mx1)).mx(10, SmtpHost.of(mx1).withoutStarttls());
            case NO_POLICY_HOST:
                return base().stsRecord("v=STSv1; id=" + RECORD_ID)
                        .tlsRptRecord("v=TLSRPTv1; rua=mailto:tlsrpt@" + domain).mx(10, mx1);
            default:
                throw new IllegalStateException("no spec for " + this);
        }
    }

    /**
     * Returns the domain after the owner's next step, for scenarios that have one ({@link
     * #ID_NOT_CHANGED}: the policy edited, the id not).
     *
     * @return the edited spec, to apply with {@link MtaStsSandbox#update(DomainSpec)}
     */
    public Optional<DomainSpec> editedSpec() {
        if (this != ID_NOT_CHANGED) {
            return Optional.empty();
        }
        String mx1 = "mx1." + domain;
        String mx2 = "mx2." + domain;
        return Optional.of(standard(policy("enforce", 604_800, mx2)).mxHost(SmtpHost.of(mx1)).mx(10, mx2));
    }

    /** {@return the policy text the domain serves at start, or empty if it has no policy host} */
    public Optional<String> policyText() {
        PolicyResponse r = spec().policyResponse();
        return r == null ? Optional.empty() : Optional.of(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    }

    private DomainSpec base() {
        return DomainSpec.of(domain);
    }

    private DomainSpec standard(String policy) {
        return base().stsRecord("v=STSv1; id=" + RECORD_ID)
                .tlsRptRecord("v=TLSRPTv1; rua=mailto:tlsrpt@" + domain)
                .policy(policy);
    }

    private static String policy(String mode, long maxAge, String... mx) {
        StringBuilder p = new StringBuilder("version: STSv1\r\nmode: ").append(mode).append("\r\n");
        for (String m : mx) {
            p.append("mx: ").append(m).append("\r\n");
        }
        return p.append("max_age: ").append(maxAge).append("\r\n").toString();
    }
}
