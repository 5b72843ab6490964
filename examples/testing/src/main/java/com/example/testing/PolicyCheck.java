package com.example.testing;

import org.mtasts.core.DomainName;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.MtaSts;
import org.mtasts.http.PolicyResolution;

/**
 * The code under test: says what MTA-STS asks of mail to a domain, in one line.
 *
 * <pre>
 * java com.example.testing.PolicyCheck example.com
 * </pre>
 */
public final class PolicyCheck {
    private final MtaSts sts;

    /**
     * A check on an MTA-STS service.
     *
     * @param sts the service: DNS, HTTPS and the cache
     */
    public PolicyCheck(MtaSts sts) {
        this.sts = sts;
    }

    /**
     * What MTA-STS asks of mail to a domain.
     *
     * @param domain the recipient domain
     * @return {@code enforce}, {@code testing} or {@code none} for a policy, else why there is none:
     *     {@code no policy: sts-record-absent}, {@code temporary failure: dns-temporary-failure}
     */
    public String check(DomainName domain) {
        PolicyResolution resolution = sts.resolve(domain);
        if (resolution instanceof PolicyResolution.Active active) {
            return active.policy().mode().token();
        }
        if (resolution instanceof PolicyResolution.NoPolicy none) {
            return "no policy: " + none.reason().code();
        }
        return "temporary failure: " + ((PolicyResolution.TemporaryFailure) resolution).reason().code();
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: PolicyCheck <domain>");
            System.exit(2);
        }
        try (MtaSts sts = MtaSts.builder().txtResolver(DnsjavaResolver.create()).build()) {
            System.out.println(args[0] + ": " + new PolicyCheck(sts).check(DomainName.of(args[0])));
        }
    }
}
