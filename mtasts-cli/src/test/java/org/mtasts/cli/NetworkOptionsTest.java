package org.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code --dns}, {@code --trust}, {@code --connect} and {@code --timeout} mixin: parsing and help. */
class NetworkOptionsTest {

    /** A command with nothing but the mixin, to parse with. */
    @Command(name = "probe")
    static final class Probe {
        @Mixin
        NetworkOptions network;
    }

    private static NetworkOptions parse(String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe.network;
    }

    @Test
    @DisplayName("--connect with a port is for that port, without one for every port; names are lower-cased")
    void connectWithAndWithoutPort() {
        NetworkOptions options = parse("--connect", "MTA-STS.Example.com=127.0.0.1:8443",
                "--connect", "mx.example.com:25=[::1]:2525", "--connect", "www.example.com:443=127.0.0.2:4443");

        Map<String, InetSocketAddress> connect = options.connect();

        assertThat(connect).containsOnlyKeys("mta-sts.example.com", "mx.example.com:25", "www.example.com:443");
        assertThat(connect.get("mta-sts.example.com")).isEqualTo(new InetSocketAddress("127.0.0.1", 8443));
        assertThat(connect.get("mx.example.com:25")).isEqualTo(new InetSocketAddress("::1", 2525));
        assertThat(NetworkOptions.httpsOverrides(connect))
                .as("HTTPS takes the overrides for every port and for 443, not those for 25")
                .containsOnlyKeys("mta-sts.example.com", "www.example.com")
                .containsEntry("www.example.com", new InetSocketAddress("127.0.0.2", 4443));
    }

    @ParameterizedTest(name = "--connect {0}")
    @CsvSource(delimiter = '|', value = {
        "nonsense                    | --connect nonsense: expected NAME[:PORT]=HOST:PORT",
        "=127.0.0.1:25               | --connect =127.0.0.1:25: expected NAME[:PORT]=HOST:PORT",
        "bad_name.example=127.0.0.1:25 | --connect bad_name.example=127.0.0.1:25: 'bad_name.example' is not a host name",
        "mx.example=127.0.0.1        | --connect 127.0.0.1: expected HOST:PORT",
        "mx.example=127.0.0.1:       | --connect 127.0.0.1:: expected HOST:PORT",
        "mx.example=127.0.0.1:smtp   | --connect 127.0.0.1:smtp: the port is not a number",
        "mx.example=127.0.0.1:0      | --connect 127.0.0.1:0: the port is outside 1..65535",
        "mx.example=127.0.0.1:65536  | --connect 127.0.0.1:65536: the port is outside 1..65535"})
    @DisplayName("A bad --connect is a usage error that names the option, the value and the problem")
    void badConnect(String value, String message) {
        NetworkOptions options = parse("--connect", value);

        assertThatThrownBy(options::connect).isInstanceOf(MtastsCli.UsageException.class).hasMessage(message);
    }

    @Test
    @DisplayName("A bad --dns is a usage error that names the option")
    void badDns() {
        NetworkOptions options = parse("--dns", "ns.example");

        assertThatThrownBy(options::resolver).isInstanceOf(MtastsCli.UsageException.class)
                .hasMessage("--dns ns.example: expected HOST:PORT");
    }

    @Test
    @DisplayName("--timeout: 10 seconds by default, 1 second at the least")
    void timeoutBounds() {
        assertThat(parse().timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(parse("--timeout", "1").timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(parse("--timeout", String.valueOf(Integer.MAX_VALUE)).timeout())
                .isEqualTo(Duration.ofSeconds(Integer.MAX_VALUE));
        for (String tooShort : List.of("0", "-1", String.valueOf(Integer.MIN_VALUE))) {
            NetworkOptions options = parse("--timeout", tooShort);
            assertThatThrownBy(options::timeout).as(tooShort).isInstanceOf(MtastsCli.UsageException.class)
                    .hasMessage("--timeout must be at least 1 second");
            assertThatThrownBy(options::resolver).as("the resolver takes the timeout too").hasMessage(
                    "--timeout must be at least 1 second");
        }
    }

    @ParameterizedTest(name = "{0} --timeout 0")
    @ValueSource(strings = {"check", "send", "publish"})
    @DisplayName("Every command rejects --timeout 0 with exit 64 and the same message")
    void timeoutZeroOnEveryCommand(String command, @TempDir Path dir) throws IOException {
        Cli cli = Cli.run(args(command, dir, "--timeout", "0"));

        assertThat(cli.exitCode()).as(cli.err()).isEqualTo(MtastsCli.USAGE);
        assertThat(cli.err()).isEqualTo("mtasts: --timeout must be at least 1 second" + System.lineSeparator());
        assertThat(cli.out()).isEmpty();
    }

    @ParameterizedTest(name = "{0} --timeout {1}")
    @CsvSource({"check, 2147483648", "send, ten", "publish, 1.5"})
    @DisplayName("A --timeout that is not a whole number in int range is a picocli usage error naming --timeout")
    void timeoutNotANumber(String command, String value, @TempDir Path dir) throws IOException {
        Cli cli = Cli.run(args(command, dir, "--timeout", value));

        assertThat(cli.exitCode()).as(cli.err()).isEqualTo(MtastsCli.USAGE);
        assertThat(cli.err()).startsWith("mtasts: Invalid value for option '--timeout': '" + value + "'");
    }

    @ParameterizedTest(name = "{0} --connect nonsense")
    @ValueSource(strings = {"check", "send", "publish"})
    @DisplayName("Every command rejects a bad --connect before going on the network, with exit 64")
    void badConnectOnEveryCommand(String command, @TempDir Path dir) throws IOException {
        Cli cli = Cli.run(args(command, dir, "--connect", "nonsense"));

        assertThat(cli.exitCode()).as(cli.err()).isEqualTo(MtastsCli.USAGE);
        assertThat(cli.err()).isEqualTo("mtasts: --connect nonsense: expected NAME[:PORT]=HOST:PORT" + System.lineSeparator());
        assertThat(cli.out()).isEmpty();
    }

    @Test
    @DisplayName("Each command's help describes the options as that command uses them")
    void perCommandHelp() {
        String check = Cli.run("check", "--help").out();
        String publish = Cli.run("publish", "--help").out();
        String send = Cli.run("send", "--help").out();

        assertThat(oneLine(check)).contains("--connect=NAME[:PORT]=HOST:PORT Connect to HOST:PORT for NAME (on PORT: 443, 80 or 25;")
                .contains("--dns=HOST:PORT Ask this DNS server instead of the system's.")
                .contains("--timeout=SECONDS Per network step (default 10).");
        assertThat(oneLine(publish)).contains("Connect to HOST:PORT for NAME (the policy host). Repeatable.")
                .contains("--dns=HOST:PORT Resolve MX hosts and the policy host with this DNS server.")
                .contains("--trust=PEM Trust these CA certificates instead of the JDK's.");
        assertThat(oneLine(send)).contains("Connect to HOST:PORT for NAME (on PORT: 443 or 25;")
                .contains("Trust these CA certificates instead of the JDK's, for the policy host and the MX hosts.")
                .contains("Per connect and read (default 10); one MX attempt takes at most " + Sender.ATTEMPT_TIMEOUTS);
        String probe = new CommandLine(new Probe()).getUsageMessage();
        assertThat(oneLine(probe)).as("a command without its own wording gets the general one")
                .contains("(on PORT: for that port only; without it, every port). Repeatable.");
    }

    @Property
    @Label("--connect NAME[:PORT]=HOST:PORT gives the lower-cased NAME[:PORT] and the address, for any name and ports")
    void connectRoundTrip(@ForAll("hostNames") String name, @ForAll @IntRange(min = 0, max = 65535) int namePort,
            @ForAll @IntRange(min = 1, max = 65535) int port) {
        String key = namePort == 0 ? name : name + ":" + namePort;

        Map<String, InetSocketAddress> connect = NetworkOptions.parseConnect(List.of(key + "=127.0.0.1:" + port));

        assertThat(connect).containsOnlyKeys(key.toLowerCase(java.util.Locale.ROOT));
        assertThat(connect.values()).containsExactly(new InetSocketAddress("127.0.0.1", port));
    }

    @Provide
    Arbitrary<String> hostNames() {
        Arbitrary<String> label = Arbitraries.strings().withChars("abcXYZ019").ofMinLength(1).ofMaxLength(12)
                .map(s -> "h" + s);
        return label.list().ofMinSize(1).ofMaxSize(4).map(labels -> String.join(".", labels) + ".example");
    }

    /** A command line for each command that reaches the network options without going on the network. */
    private static String[] args(String command, Path dir, String... more) throws IOException {
        List<String> args = new ArrayList<>(switch (command) {
            case "check" -> List.of("check", "example.com");
            case "send" -> List.of("send", "--from", "postmaster@example.net", "--to", "postmaster@example.com");
            case "publish" -> {
                Path policy = Files.writeString(dir.resolve("mta-sts.txt"),
                        "version: STSv1\r\nmode: testing\r\nmx: mx.example.com\r\nmax_age: 86400\r\n", StandardCharsets.UTF_8);
                yield List.of("publish", "example.com", "--policy", policy.toString(), "--server", "127.0.0.1:53", "--dry-run");
            }
            default -> throw new IllegalArgumentException(command);
        });
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static String oneLine(String help) {
        return help.replaceAll("\\s+", " ");
    }
}
