package org.mtasts.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.mtasts.core.DomainName;
import org.mtasts.tlsrpt.ReportAggregator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mtasts send --from A --to B}: one delivery, as an MTA-STS sender makes it. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Deliver one message as a sending MTA that honours MTA-STS: resolve the recipient domain's policy, "
                + "try its MX hosts in preference order (an enforced policy refuses unlisted ones without connecting), "
                + "STARTTLS with the certificate checked during the handshake (RFC 8461 §4.2), then MAIL, RCPT, DATA. "
                + "Prints each step and the TLS-RPT result each session records.",
                "Exit code: 0 delivered, 1 refused or failed, 2 temporary (the policy is unknown because DNS failed, "
                        + "or every MX host failed to connect or timed out), 64 usage error."})
final class SendCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, paramLabel = "ADDRESS", description = "The envelope sender (MAIL FROM).")
    String from;

    @Option(names = "--to", required = true, paramLabel = "ADDRESS",
            description = "The recipient (RCPT TO); its domain is the policy domain.")
    String to;

    @Option(names = "--message", paramLabel = "FILE",
            description = "The RFC 5322 message to send, as it is (any line ends; default: a small generated test message).")
    Path message;

    @Option(names = "--ehlo", paramLabel = "NAME", description = "The name to give in EHLO (default: localhost).")
    String ehlo = "localhost";

    @Option(names = "--tlsrpt-counts", paramLabel = "FILE",
            description = "Count each session for TLS-RPT (RFC 8460 §4) in this file, a ReportAggregator snapshot: "
                    + "read if it exists, written after the delivery (crash-safe). Reporter: the domain of --from.")
    Path counts;

    @Mixin
    NetworkOptions network;

    @Mixin
    Output output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Mailbox sender = Mailbox.parse(from, "--from");
        Mailbox recipient = Mailbox.parse(to, "--to");
        Duration perStep = network.timeout();
        if (!DomainName.isValid(ehlo)) {
            throw new MtastsCli.UsageException("--ehlo '" + TlsProbe.printable(ehlo) + "' is not a host name");
        }
        Clock clock = Clock.systemUTC();
        MailMessage mail = message != null ? MailMessage.read(message)
                : MailMessage.generated(sender, recipient, ZonedDateTime.now(clock), UUID.randomUUID().toString());
        PrintWriter out = spec.commandLine().getOut();
        Consumer<String> steps = output.json ? text -> { } : text -> {
            out.println(text);
            out.flush();
        };
        ReportAggregator aggregator = counts == null ? null : ReportAggregator.builder()
                .organizationName("mtasts send").contactInfo("tlsrpt@" + sender.domain().ascii())
                .clock(clock).snapshotFile(counts).build();
        Sender.Settings settings = new Sender.Settings(network.resolver(), network.trustManager(),
                network.connect(), perStep, clock, ehlo, steps, aggregator);
        Sender.Report report = new Sender(settings).send(sender, recipient, mail);
        if (aggregator != null) {
            try {
                aggregator.saveSnapshot();
                steps.accept("TLS-RPT: the sessions are counted in " + counts);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + counts + ": " + e.getMessage(), e);
            }
        }
        if (output.json) {
            Output.print(out, report.toJson());
        }
        return report.exitCode();
    }
}
