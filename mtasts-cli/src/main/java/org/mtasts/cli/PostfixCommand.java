package org.mtasts.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.mtasts.postfix.ListenAddress;
import org.mtasts.postfix.PostfixConfig;
import org.mtasts.postfix.PostfixPolicyService;
import org.mtasts.postfix.SocketmapClient;
import org.mtasts.postfix.SocketmapReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mtasts postfix serve|query|purge}: the Postfix socketmap TLS policy server (mtasts-postfix)
 * and its admin commands.
 */
@Command(name = "postfix", mixinStandardHelpOptions = true,
        description = {"The Postfix TLS policy server: smtp_tls_policy_maps = socketmap:inet:127.0.0.1:8461:postfix.",
                "A drop-in for postfix-mta-sts-resolver, DANE first; see the README, \"Postfix policy server\"."},
        subcommands = {PostfixCommand.Serve.class, PostfixCommand.Query.class, PostfixCommand.Purge.class})
final class PostfixCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static PostfixConfig config(@org.jspecify.annotations.Nullable Path file) {
        if (file == null) {
            return PostfixConfig.defaults();
        }
        try {
            return PostfixConfig.load(file);
        } catch (NoSuchFileException e) {
            throw new MtastsCli.UsageException("no such file: " + file);
        } catch (PostfixConfig.ConfigException e) {
            throw new MtastsCli.UsageException(e.getMessage());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static ListenAddress address(String text, String option) {
        try {
            return ListenAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new MtastsCli.UsageException(option + ": " + e.getMessage());
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Run the policy server until SIGTERM or SIGINT (then: stop accepting, finish the answers "
                    + "in flight within shutdown_timeout)."})
    static final class Serve implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "The YAML configuration (default: every default).")
        Path configFile;

        @Option(names = "--listen", paramLabel = "ADDRESS",
                description = "Override the config's listen: inet:HOST:PORT or unix:PATH.")
        String listen;

        @Option(names = "--http", paramLabel = "HOST:PORT",
                description = "Override the config's http endpoint (metrics, health, purge).")
        String http;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PostfixConfig config = config(configFile);
            if (listen != null) {
                config = config.withListen(address(listen, "--listen"));
            }
            if (http != null) {
                config = config.withHttp(address(http, "--http"));
            }
            PostfixPolicyService service = PostfixPolicyService.builder(config).start();
            PrintWriter err = spec.commandLine().getErr();
            err.println("mtasts postfix: socketmap on " + service.server().address()
                    + service.httpAddress().map(a -> ", http on " + a.getAddress().getHostAddress() + ":" + a.getPort())
                            .orElse(""));
            err.flush();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                service.close();
                err.println("mtasts postfix: stopped");
                err.flush();
                stopped.countDown();
            }, "mtasts-postfix-shutdown"));
            stopped.await();
            return MtastsCli.OK;
        }
    }

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = {"Ask the running server, over the socketmap protocol as Postfix does, and print its answer.",
                    "Exit code: 0 for OK and NOTFOUND, 1 for PERM, 2 for TEMP or no connection."})
    static final class Query implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DOMAIN", description = "The next-hop domain to look up.")
        String domain;

        @Option(names = "--config", paramLabel = "FILE",
                description = "Take the server's address and map name from this configuration.")
        Path configFile;

        @Option(names = "--server", paramLabel = "ADDRESS",
                description = "The server: inet:HOST:PORT or unix:PATH (default: the config's listen, else "
                        + PostfixConfig.DEFAULT_LISTEN + ").")
        String server;

        @Option(names = "--map", paramLabel = "NAME",
                description = "The socketmap name, which selects the zone (default: the config's map_name, else postfix).")
        String map;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
                description = "The longest wait for the answer, in seconds (default ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (timeoutSeconds < 1 || timeoutSeconds > 3600) {
                throw new MtastsCli.UsageException("--timeout " + timeoutSeconds + " is not in 1..3600");
            }
            PostfixConfig config = config(configFile);
            ListenAddress where = server != null ? address(server, "--server") : config.listen();
            String name = map != null ? map : config.mapName();
            SocketmapReply reply;
            try (SocketmapClient client = SocketmapClient.connect(where, Duration.ofSeconds(timeoutSeconds))) {
                reply = client.query(name, domain);
            }
            spec.commandLine().getOut().println(reply.toText().stripTrailing());
            return switch (reply.status()) {
                case OK, NOTFOUND -> MtastsCli.OK;
                case PERM -> MtastsCli.FINDINGS;
                case TEMP, TIMEOUT -> MtastsCli.TEMPORARY;
            };
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = {"Drop a domain's cached policy (and DANE answer) in the running server, e.g. after an MX change.",
                    "Sends POST /purge?domain=DOMAIN to the server's HTTP endpoint, which answers loopback clients only."})
    static final class Purge implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DOMAIN", description = "The policy domain.")
        String domain;

        @Option(names = "--config", paramLabel = "FILE", description = "Take the HTTP endpoint from this configuration.")
        Path configFile;

        @Option(names = "--http", paramLabel = "HOST:PORT", description = "The server's HTTP endpoint (default: the config's http).")
        String http;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException, InterruptedException {
            ListenAddress where;
            if (http != null) {
                where = address(http, "--http");
            } else {
                ListenAddress configured = config(configFile).http();
                if (configured == null) {
                    throw new MtastsCli.UsageException("no HTTP endpoint: give --http HOST:PORT or a --config with http:");
                }
                where = configured;
            }
            String host = where.host() != null && where.host().indexOf(':') >= 0 ? "[" + where.host() + "]" : where.host();
            URI uri = URI.create("http://" + host + ":" + where.port() + "/purge?domain="
                    + URLEncoder.encode(domain, StandardCharsets.UTF_8));
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            String body = response.body().strip();
            if (response.statusCode() == 200) {
                spec.commandLine().getOut().println(body);
                return MtastsCli.OK;
            }
            spec.commandLine().getErr().println("mtasts: purge: HTTP " + response.statusCode() + ": " + body);
            return response.statusCode() >= 500 ? MtastsCli.TEMPORARY : MtastsCli.FINDINGS;
        }
    }
}
