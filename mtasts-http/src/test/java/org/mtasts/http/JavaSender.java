package org.mtasts.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DeliveryDecision;
import org.mtasts.core.DomainName;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.dns.MxAnswer;
import org.mtasts.dns.MxHost;

/**
 * A sending MTA's delivery of one message on the sender path, as a mail server team would write it
 * with {@link MtaSts} and {@link MxSession}: resolve the policy, try the MX hosts in preference
 * order, STARTTLS, deliver or refuse. Sessions are counted by the {@link MtaSts}'s aggregator.
 */
final class JavaSender {

    /** What happened with one MX host. */
    record Attempt(String mx, String outcome, @Nullable String resultType, String reason) {}

    /** The whole delivery: the attempts, and whether the message was delivered. */
    record Delivery(PolicyResolution resolution, List<Attempt> attempts, boolean delivered) {}

    private final MtaSts sts;
    private final DnsjavaResolver dns;
    private final Map<String, InetSocketAddress> addresses;

    JavaSender(MtaSts sts, DnsjavaResolver dns, Map<String, InetSocketAddress> addresses) {
        this.sts = sts;
        this.dns = dns;
        this.addresses = addresses;
    }

    Delivery deliver(String from, String to, String message) throws IOException {
        DomainName domain = DomainName.of(to.substring(to.indexOf('@') + 1));
        PolicyResolution policy = sts.resolve(domain);
        List<Attempt> attempts = new ArrayList<>();
        if (policy.policyUnknown()) {
            return new Delivery(policy, attempts, false); // defer: nothing is known about the domain's policy
        }
        MxAnswer mx = dns.resolveMx(domain);
        List<DomainName> hosts = new ArrayList<>();
        if (mx instanceof MxAnswer.Hosts h) {
            for (MxHost host : h.hosts()) {
                hosts.add(host.host());
            }
        }
        for (DomainName host : hosts) {
            try (MxSession session = sts.session(policy, host)) {
                if (session.refused()) {
                    attempts.add(attempt(host, "refused", session.decision().orElseThrow()));
                    continue;
                }
                try (SmtpDialog smtp = SmtpDialog.connect(addresses.get(host.ascii()))) {
                    if (!smtp.ehloOffersStarttls("sender.test")) {
                        DeliveryDecision d = session.starttlsMissing();
                        if (d.refuses()) {
                            attempts.add(attempt(host, "refused", d));
                            smtp.quit();
                            continue;
                        }
                        smtp.send(from, to, message);
                        smtp.quit();
                        attempts.add(attempt(host, "delivered", d));
                        return new Delivery(policy, attempts, true);
                    }
                    smtp.starttls();
                    MxSession.StartTls tls = session.startTls(smtp.socket());
                    Optional<SSLSocket> secure = tls.socket();
                    if (tls.decision().refuses() || secure.isEmpty()) {
                        attempts.add(attempt(host, tls.decision().refuses() ? "refused" : "failed", tls.decision()));
                        continue;
                    }
                    smtp.upgrade(secure.get());
                    smtp.ehloOffersStarttls("sender.test");
                    smtp.send(from, to, message);
                    smtp.quit();
                    attempts.add(attempt(host, "delivered", tls.decision()));
                    return new Delivery(policy, attempts, true);
                }
            }
        }
        return new Delivery(policy, attempts, false);
    }

    private static Attempt attempt(DomainName mx, String outcome, DeliveryDecision d) {
        return new Attempt(mx.ascii(), outcome, d.resultType() == null ? null : d.resultType().token(), d.explanation());
    }
}
