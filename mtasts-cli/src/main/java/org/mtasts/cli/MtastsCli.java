package org.mtasts.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code mtasts} command.
 *
 * <pre>
 * mtasts demo
 * mtasts check example.com --json
 * mtasts send --from postmaster@example.net --to postmaster@example.com
 * mtasts policy lint mta-sts.txt --mx mx1.example.com
 * mtasts publish example.com --policy mta-sts.txt --server ns1.example.com --tsig update.key
 * mtasts postfix serve --config /etc/mtasts-postfix.yml
 * </pre>
 *
 * <p>Exit codes: {@link #OK} all good, {@link #FINDINGS} findings (invalid input, failed checks),
 * {@link #TEMPORARY} a temporary failure (DNS, network), {@link #USAGE} a usage error.
 */
@Command(name = "mtasts", mixinStandardHelpOptions = true, versionProvider = MtastsCli.Version.class,
        description = "MTA-STS (RFC 8461) and TLS-RPT (RFC 8460): check a domain, lint records and policies, "
                + "read reports, generate a set-up, publish a policy by RFC 2136 update, serve Postfix TLS policies, send a test message as an MTA-STS sender.",
        subcommands = {CheckCommand.class, SendCommand.class, DemoCommand.class, RecordCommand.class, PolicyCommand.class,
                ReportCommand.class, GenerateCommand.class, PublishCommand.class, PostfixCommand.class,
                CommandLine.HelpCommand.class})
public final class MtastsCli implements Runnable {

    /** Exit code: all good. */
    public static final int OK = 0;
    /** Exit code: findings (invalid input, failed checks). */
    public static final int FINDINGS = 1;
    /** Exit code: a temporary failure (DNS, network). */
    public static final int TEMPORARY = 2;
    /** Exit code: a usage error (EX_USAGE). */
    public static final int USAGE = 64;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of unexpected errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8), args));
    }

    /**
     * Runs the command line with the given streams, returning the exit code (for tests and
     * embedding).
     *
     * @param out standard output
     * @param err standard error
     * @param args the arguments
     * @return the exit code
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        MtastsCli root = new MtastsCli();
        CommandLine cli = new CommandLine(root);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((e, arguments) -> {
            e.getCommandLine().getErr().println("mtasts: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for more information.");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UsageException) {
                commandLine.getErr().println("mtasts: " + e.getMessage());
                return USAGE;
            }
            commandLine.getErr().println("mtasts: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            if (root.verbose) {
                e.printStackTrace(commandLine.getErr());
            } else {
                commandLine.getErr().println("(run with --verbose for details)");
            }
            return e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException ? TEMPORARY : FINDINGS;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** A usage problem found while running a command (exit code 64). */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Prints the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = MtastsCli.class.getPackage().getImplementationVersion();
            return new String[] {"mtasts " + (version == null ? "development build" : version),
                    "Java " + System.getProperty("java.version")};
        }
    }
}
