package org.mtasts.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** The {@code --json} switch every command has. */
final class Output {
    @Option(names = "--json", description = "Print one JSON document on stdout (see the README for its keys).")
    boolean json;

    static void print(PrintWriter out, Object document) {
        out.println(Json.write(document));
        out.flush();
    }
}
