package com.example.sending;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.mtasts.core.DomainName;
import org.mtasts.core.TxtAnswer;
import org.mtasts.core.TxtResolver;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.FilePolicyStore;
import org.mtasts.http.MtaSts;
import org.mtasts.http.MxSession;
import org.mtasts.http.PolicyResolution;

/**
 * Which MX hosts of a domain a sending MTA may use under the domain's MTA-STS policy.
 *
 * <pre>
 * java com.example.sending.SendingMta example.com mx1.example.com mx2.example.com
 * java com.example.sending.SendingMta --offline example.com mx1.example.com   (DNS answers "no record")
 * </pre>
 */
public final class SendingMta {
    private SendingMta() {}

    public static void main(String[] args) throws IOException {
        boolean offline = args.length > 0 && args[0].equals("--offline");
        List<String> names = List.of(args).subList(offline ? 1 : 0, args.length);
        if (names.size() < 2) {
            System.err.println("usage: SendingMta [--offline] <domain> <mx host>...");
            System.exit(2);
        }
        DnsjavaResolver dns = DnsjavaResolver.create();
        TxtResolver txt = offline ? name -> CompletableFuture.completedFuture(new TxtAnswer.NoRecords(true)) : dns;
        Path state = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "sending-mta-policies"));
        List<DomainName> mxHosts = names.subList(1, names.size()).stream().map(DomainName::of).toList();
        plan(txt, state, DomainName.of(names.get(0)), mxHosts).forEach(System.out::println);
    }

    /**
     * Resolves the policy of a domain and says, for each MX host, whether it may be used.
     *
     * @param dns the TXT lookups: {@code DnsjavaResolver.create()}
     * @param stateDirectory where the policies are cached
     * @param domain the recipient domain
     * @param mxHosts its MX hosts
     * @return one line per MX host, and one first if the domain must be deferred
     * @throws IOException if the policy store cannot be opened
     */
    public static List<String> plan(TxtResolver dns, Path stateDirectory, DomainName domain, List<DomainName> mxHosts)
            throws IOException {
        List<String> plan = new ArrayList<>();
        // --- example: README Use it from your build, a sending MTA, the code
        try (MtaSts sts = MtaSts.builder()
                .txtResolver(dns)                                      // DnsjavaResolver.create()
                .store(FilePolicyStore.open(stateDirectory))           // cached policies survive restarts
                .build()) {
            PolicyResolution policy = sts.resolve(domain);
            if (policy.policyUnknown()) {
                plan.add(domain + ": DNS failed and no policy is cached: defer");
            }
            for (DomainName mx : mxHosts) {
                try (MxSession session = sts.session(policy, mx)) {
                    plan.add(mx + ": " + (session.refused() ? "not in the policy, skip" : "use") + " ("
                            + policy.kind() + ")");
                }
            }
        }
        // ---
        return plan;
    }
}
