package org.mtasts.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the examples of the documentation and the test regions that run them, and matches them
 * line by line (CONTRIBUTING.md, "Examples").
 *
 * <p>An example is a {@code <pre>{@code ...}</pre>} block of a Javadoc comment in the main sources
 * of a module, or a {@code ```java} block of a Markdown file. A region is the code of a test between
 * a line {@code // --- example: LABEL} and a line {@code // ---} (or the next {@code // --- example:}
 * line). An example matches a region when their lines are equal after normalisation: leading and
 * trailing whitespace and blank lines are ignored, the Javadoc escapes {@code &lt; &gt; &amp; &#64;}
 * and <code>{&#64;literal &#64;}</code> are undone, and region lines ending in
 * {@code // sandbox only} are left out (set-up that the documentation does not show).
 */
final class DocExamples {
    private DocExamples() {}

    /** The comment that ends a region line the documentation leaves out. */
    static final String SANDBOX_ONLY = "// sandbox only";
    static final String OPEN = "// --- example:";
    static final String CLOSE = "// ---";

    /**
     * An example of the documentation.
     *
     * @param file the file, relative to the repository root, with forward slashes
     * @param line the 1-based line of its first code line
     * @param element what it documents: {@code MtaSts}, {@code MtaSts.Builder}, {@code MtaSts.resolve()},
     *     or the Markdown section
     * @param lines its lines, normalised
     * @param text its lines as the reader sees them (escapes undone, indentation kept), for messages
     */
    record Block(String file, int line, String element, List<String> lines, List<String> text) {
        String where() {
            return file + ":" + line + " (" + element + ")";
        }
    }

    /**
     * A region of a test that runs an example.
     *
     * @param file the test file, relative to the repository root
     * @param line the 1-based line of its opening marker
     * @param label the label of the marker
     * @param lines its lines, normalised (sandbox-only lines left out)
     * @param text its lines as written
     */
    record Region(String file, int line, String label, List<String> lines, List<String> text) {
        String where() {
            return file + ":" + line + " (example: " + label + ")";
        }
    }

    /**
     * A problem with the markers of a test file.
     *
     * @param file the test file
     * @param line the 1-based line
     * @param detail what is wrong
     */
    record MarkerProblem(String file, int line, String detail) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + detail;
        }
    }

    /**
     * The regions of one file and the problems of its markers.
     *
     * @param regions the regions, in file order
     * @param problems the problems
     */
    record Regions(List<Region> regions, List<MarkerProblem> problems) {}

    // ---------------------------------------------------------------- normalisation

    private static final Pattern LEADING_STAR = Pattern.compile("^\\s*\\*(?!/) ?");

    /** Undoes the escapes that Javadoc examples need: {@code &lt; &gt; &#64; {@literal @} &amp;}. */
    static String unescapeJavadoc(String line) {
        return line.replace("{@literal @}", "@").replace("&#64;", "@").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&amp;", "&");
    }

    /** The comparable lines: stripped, blank lines left out. */
    static List<String> normalise(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            String s = l.strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- Javadoc

    private static final Pattern TYPE_DECLARATION = Pattern.compile(
            "\\b(?:class|interface|record|enum|@interface)\\s+([A-Za-z_$][\\w$]*)");
    private static final Pattern METHOD_DECLARATION = Pattern.compile("([A-Za-z_$][\\w$]*)\\s*\\(");
    private static final Pattern FIELD_DECLARATION = Pattern.compile("([A-Za-z_$][\\w$]*)\\s*(?:=|;)");
    private static final Pattern MODULE_DECLARATION = Pattern.compile("^\\s*(?:open\\s+)?module\\s+([\\w.]+)");
    private static final Pattern PACKAGE_DECLARATION = Pattern.compile("^\\s*package\\s+([\\w.]+)");

    /**
     * The {@code <pre>{@code ...}</pre>} blocks of the Javadoc comments of a Java source.
     *
     * @param file the file name to report, relative to the repository root
     * @param source the lines of the file
     * @return the blocks in file order
     */
    static List<Block> javadocBlocks(String file, List<String> source) {
        String top = file.substring(file.lastIndexOf('/') + 1).replaceFirst("\\.java$", "");
        List<Block> blocks = new ArrayList<>();
        boolean inComment = false;
        int commentEnd = -1;
        List<int[]> pending = new ArrayList<>();     // blocks of the current comment: index into blocks
        List<String> code = null;
        int codeLine = 0;
        for (int i = 0; i < source.size(); i++) {
            String line = source.get(i);
            String content;
            if (!inComment) {
                int start = line.indexOf("/**");
                if (start < 0 || line.substring(0, start).contains("//")) {
                    continue;
                }
                inComment = true;
                content = line.substring(start + 3);
            } else {
                content = LEADING_STAR.matcher(line).replaceFirst("");
            }
            int end = content.indexOf("*/");
            boolean closes = end >= 0;
            if (closes) {
                content = content.substring(0, end);
            }
            // Within one comment line: the start of a block, its end, or a code line.
            String rest = content;
            while (true) {
                if (code == null) {
                    int pre = rest.indexOf("<pre>{@code");
                    if (pre < 0) {
                        break;
                    }
                    code = new ArrayList<>();
                    codeLine = i + 1;
                    rest = rest.substring(pre + "<pre>{@code".length());
                    if (rest.isBlank()) {
                        codeLine = i + 2;
                        break;
                    }
                } else {
                    int stop = rest.indexOf("}</pre>");
                    if (stop < 0) {
                        code.add(rest);
                        break;
                    }
                    String last = rest.substring(0, stop);
                    if (!last.isBlank()) {
                        code.add(last);
                    }
                    blocks.add(new Block(file, codeLine, top, List.of(), dedent(code)));
                    pending.add(new int[] {blocks.size() - 1});
                    code = null;
                    rest = rest.substring(stop + "}</pre>".length());
                }
            }
            if (closes) {
                inComment = false;
                commentEnd = i;
                if (!pending.isEmpty()) {
                    String element = documentedElement(top, source, commentEnd + 1);
                    for (int[] p : pending) {
                        Block b = blocks.get(p[0]);
                        List<String> text = b.text().stream().map(DocExamples::unescapeJavadoc).toList();
                        blocks.set(p[0], new Block(b.file(), b.line(), element, normalise(text), text));
                    }
                    pending.clear();
                }
                code = null;
            }
        }
        return blocks;
    }

    /** The name of the declaration that a comment ending before line {@code from} documents. */
    static String documentedElement(String top, List<String> source, int from) {
        int open = 0;                                   // parentheses of an annotation still open
        for (int i = from; i < source.size(); i++) {
            String s = source.get(i).strip();
            if (open > 0 || s.startsWith("@") && !s.startsWith("@interface")) {
                open += count(s, '(') - count(s, ')');
                continue;
            }
            if (s.isEmpty() || s.startsWith("//")) {
                continue;
            }
            Matcher m = MODULE_DECLARATION.matcher(s);
            if (m.find()) {
                return "module " + m.group(1);
            }
            m = PACKAGE_DECLARATION.matcher(s);
            if (m.find()) {
                return "package " + m.group(1);
            }
            m = TYPE_DECLARATION.matcher(s);
            if (m.find()) {
                return m.group(1).equals(top) ? top : top + "." + m.group(1);
            }
            m = METHOD_DECLARATION.matcher(s);
            if (m.find()) {
                return top + "." + m.group(1) + "()";
            }
            m = FIELD_DECLARATION.matcher(s);
            if (m.find()) {
                return top + "." + m.group(1);
            }
            return top;
        }
        return top;
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(x -> x == c).count();
    }

    private static List<String> dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(l.isBlank() ? "" : l.substring(indent).stripTrailing());
        }
        while (!out.isEmpty() && out.get(0).isEmpty()) {
            out.remove(0);
        }
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    // ---------------------------------------------------------------- Markdown

    private static final Pattern CODE_FENCE = Pattern.compile("^\\s*```(?:java|xml)\\s*$");
    private static final Pattern FENCE = Pattern.compile("^\\s*```.*$");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*)$");

    /**
     * The {@code ```java} and {@code ```xml} blocks of a Markdown file (the XML ones are the POM
     * snippets of README "Use it from your build", run by the example projects' POMs).
     *
     * @param file the file name to report
     * @param source the lines of the file
     * @return the blocks in file order, each named after the heading it stands under
     */
    static List<Block> markdownBlocks(String file, List<String> source) {
        List<Block> blocks = new ArrayList<>();
        String heading = "top";
        boolean inFence = false;
        List<String> code = null;
        int codeLine = 0;
        for (int i = 0; i < source.size(); i++) {
            String line = source.get(i);
            if (code != null) {
                if (FENCE.matcher(line).matches()) {
                    List<String> text = dedent(code);
                    blocks.add(new Block(file, codeLine, "\"" + heading + "\"", normalise(text), text));
                    code = null;
                } else {
                    code.add(line);
                }
            } else if (CODE_FENCE.matcher(line).matches()) {
                code = new ArrayList<>();
                codeLine = i + 2;
            } else if (FENCE.matcher(line).matches()) {
                inFence = !inFence;
            } else if (!inFence) {
                Matcher h = HEADING.matcher(line);
                if (h.matches()) {
                    heading = h.group(1).strip();
                }
            }
        }
        return blocks;
    }

    // ---------------------------------------------------------------- regions

    /**
     * The regions of a test source.
     *
     * @param file the file name to report
     * @param source the lines of the file
     * @return its regions and the problems of its markers
     */
    static Regions regions(String file, List<String> source) {
        List<Region> regions = new ArrayList<>();
        List<MarkerProblem> problems = new ArrayList<>();
        String label = null;
        int start = 0;
        List<String> text = null;
        for (int i = 0; i < source.size(); i++) {
            String s = source.get(i).strip();
            if (!isMarker(s)) {
                if (text != null) {
                    text.add(source.get(i));
                }
                continue;
            }
            boolean open = s.startsWith(OPEN);
            if (!open && !s.equals(CLOSE)) {
                problems.add(new MarkerProblem(file, i + 1, "a marker is `" + OPEN + " LABEL` or `" + CLOSE
                        + "`, not `" + s + "`"));
                continue;
            }
            if (text != null) {
                addRegion(file, start, label, text, regions, problems);
                text = null;
            } else if (!open) {
                problems.add(new MarkerProblem(file, i + 1, "`" + CLOSE + "` closes no region"));
            }
            if (open) {
                label = s.substring(OPEN.length()).strip();
                if (label.isEmpty()) {
                    problems.add(new MarkerProblem(file, i + 1, "the region has no label: `" + OPEN
                            + " TypeName` or `" + OPEN + " README Section`"));
                }
                start = i + 1;
                text = new ArrayList<>();
            }
        }
        if (text != null) {
            problems.add(new MarkerProblem(file, start, "the region is not closed by `" + CLOSE + "`"));
        }
        return new Regions(regions, problems);
    }

    /** A marker line: {@code // ---} alone or followed by a space (not a {@code // ------} rule). */
    static boolean isMarker(String stripped) {
        return stripped.equals(CLOSE) || stripped.startsWith(CLOSE + " ");
    }

    private static void addRegion(String file, int start, String label, List<String> text, List<Region> regions,
            List<MarkerProblem> problems) {
        List<String> shown = text.stream().filter(l -> !l.stripTrailing().endsWith(SANDBOX_ONLY)).toList();
        List<String> lines = normalise(shown);
        if (lines.isEmpty()) {
            problems.add(new MarkerProblem(file, start, "the region is empty"));
            return;
        }
        regions.add(new Region(file, start, label, lines, dedent(text)));
    }

    // ---------------------------------------------------------------- the repository

    /** The modules whose Javadoc examples are not Java: JMH command lines. */
    static final List<String> EXEMPT_MODULES = List.of("mtasts-benchmarks");

    /** The published library modules: every public type has an example and {@code @since}. */
    static final List<String> API_MODULES = List.of("mtasts-core", "mtasts-dns", "mtasts-http", "mtasts-tlsrpt",
            "mtasts-testkit", "mtasts-postfix", "mtasts-intake", "mtasts-store-jdbc", "mtasts-store-redis");

    /** The Markdown files whose {@code ```java} blocks are examples. */
    static final List<String> MARKDOWN = List.of("README.md", "CONTRIBUTING.md");

    /** The checker's own package, whose tests hold markers as data, relative to the repository root. */
    private static final Path SELF = Path.of("mtasts-core", "src", "test", "java", "org", "mtasts", "examples");

    private static final Pattern SUREFIRE_TEST = Pattern.compile("(Test.*|.*Test|.*Tests|.*TestCase)\\.java");

    /** The repository root: the nearest directory up from the working directory with {@code mvnw}. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("mvnw")) && Files.isRegularFile(d.resolve("README.md"))) {
                return d;
            }
        }
        throw new IllegalStateException("no repository root (a directory with mvnw) above " + dir);
    }

    /** The module directories of the repository: {@code mtasts-*} with a {@code pom.xml}. */
    static List<Path> modules(Path root) {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith("mtasts-"))
                    .filter(p -> Files.isRegularFile(p.resolve("pom.xml"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> javaFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    /** Every example of the repository, grouped by module ({@code README.md} etc. under their own name). */
    static Map<String, List<Block>> blocks(Path root) {
        Map<String, List<Block>> all = new LinkedHashMap<>();
        for (Path module : modules(root)) {
            String name = module.getFileName().toString();
            if (EXEMPT_MODULES.contains(name)) {
                continue;
            }
            List<Block> blocks = new ArrayList<>();
            for (Path f : javaFiles(module.resolve("src/main/java"))) {
                blocks.addAll(javadocBlocks(relative(root, f), read(f)));
            }
            if (!blocks.isEmpty()) {
                all.put(name, blocks);
            }
        }
        for (String md : MARKDOWN) {
            Path f = root.resolve(md);
            if (Files.isRegularFile(f)) {
                all.put(md, markdownBlocks(md, read(f)));
            }
        }
        return all;
    }

    /** The example projects: user projects that examples/verify.sh builds against our modules. */
    static final String EXAMPLES = "examples";

    private static final Pattern XML_OPEN = Pattern.compile("^\\s*<!--\\s*example:(.*?)-->\\s*$");
    private static final Pattern XML_CLOSE = Pattern.compile("^\\s*<!--\\s*end of example\\s*-->\\s*$");

    /**
     * The lines of a POM with its region markers ({@code <!-- example: LABEL -->} and
     * {@code <!-- end of example -->}: XML comments cannot hold {@code --}) written as Java ones,
     * so that {@link #regions(String, List)} reads them.
     */
    static List<String> xmlMarkersAsJava(List<String> source) {
        List<String> out = new ArrayList<>();
        for (String line : source) {
            Matcher open = XML_OPEN.matcher(line);
            if (open.matches()) {
                out.add(OPEN + " " + open.group(1).strip());
            } else if (XML_CLOSE.matcher(line).matches()) {
                out.add(CLOSE);
            } else {
                out.add(line);
            }
        }
        return out;
    }

    /** The example projects: {@code examples/*} with a {@code pom.xml}. */
    static List<Path> exampleProjects(Path root) {
        Path dir = root.resolve(EXAMPLES);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("pom.xml"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every region of the test sources of every module and of the example projects (their main
     * and test sources and their POMs: examples/verify.sh builds, tests and runs them), with the
     * problems of the markers.
     */
    static Regions regions(Path root) {
        Path self = root.resolve(SELF);
        List<Region> regions = new ArrayList<>();
        List<MarkerProblem> problems = new ArrayList<>();
        for (Path module : modules(root)) {
            for (Path f : javaFiles(module.resolve("src/test/java"))) {
                if (f.startsWith(self)) {
                    continue;                       // the checker's own tests write markers as test data
                }
                List<String> source = read(f);
                if (source.stream().noneMatch(l -> isMarker(l.strip()))) {
                    continue;
                }
                Regions r = regions(relative(root, f), source);
                regions.addAll(r.regions());
                problems.addAll(r.problems());
                if (!r.regions().isEmpty() && !SUREFIRE_TEST.matcher(f.getFileName().toString()).matches()) {
                    problems.add(new MarkerProblem(relative(root, f), r.regions().get(0).line(),
                            "regions must be in a test that `./mvnw verify` runs: a class named *Test, "
                                    + "not " + f.getFileName()));
                }
            }
        }
        for (Path project : exampleProjects(root)) {
            List<Path> files = new ArrayList<>(javaFiles(project.resolve("src/main/java")));
            files.addAll(javaFiles(project.resolve("src/test/java")));
            files.add(project.resolve("pom.xml"));
            for (Path f : files) {
                List<String> source = read(f);
                if (f.getFileName().toString().equals("pom.xml")) {
                    source = xmlMarkersAsJava(source);
                }
                if (source.stream().noneMatch(l -> isMarker(l.strip()))) {
                    continue;
                }
                Regions r = regions(relative(root, f), source);
                regions.addAll(r.regions());
                problems.addAll(r.problems());
            }
        }
        return new Regions(regions, problems);
    }

    // ---------------------------------------------------------------- matching

    /** The regions that run a block. */
    static List<Region> matching(Block block, List<Region> regions) {
        return regions.stream().filter(r -> r.lines().equals(block.lines())).toList();
    }

    /** The region closest to some lines: the most lines in common, if any line at all. */
    static Optional<Region> closest(List<String> lines, List<Region> regions) {
        return regions.stream().filter(r -> common(lines, r.lines()) > 0)
                .max(Comparator.comparingDouble(r -> similarity(lines, r.lines())));
    }

    static Optional<Block> closestBlock(List<String> lines, List<Block> blocks) {
        return blocks.stream().filter(b -> common(lines, b.lines()) > 0)
                .max(Comparator.comparingDouble(b -> similarity(lines, b.lines())));
    }

    private static double similarity(List<String> a, List<String> b) {
        return 2.0 * common(a, b) / (a.size() + b.size());
    }

    /** The length of the longest common subsequence of lines. */
    static int common(List<String> a, List<String> b) {
        int[][] t = lcs(a, b);
        return t[0][0];
    }

    private static int[][] lcs(List<String> a, List<String> b) {
        int[][] t = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                t[i][j] = a.get(i).equals(b.get(j)) ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
            }
        }
        return t;
    }

    /**
     * The lines that differ: {@code - line} only in the documentation, {@code + line} only in the
     * test, at most {@code max} of them.
     */
    static List<String> diff(List<String> doc, List<String> test, int max) {
        int[][] t = lcs(doc, test);
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while ((i < doc.size() || j < test.size()) && out.size() < max) {
            if (i < doc.size() && j < test.size() && doc.get(i).equals(test.get(j))) {
                i++;
                j++;
            } else if (j < test.size() && (i == doc.size() || t[i][j + 1] >= t[i + 1][j])) {
                out.add("+ " + test.get(j++));
            } else {
                out.add("- " + doc.get(i++));
            }
        }
        return out;
    }

    /** A block that no region runs, as a failure message. */
    static String unmatched(Block block, List<Region> regions) {
        StringBuilder m = new StringBuilder(block.where()).append(": no test region runs this example:\n");
        block.text().forEach(l -> m.append("    | ").append(l).append('\n'));
        Optional<Region> near = closest(block.lines(), regions);
        if (near.isPresent()) {
            m.append("  closest region: ").append(near.get().where())
                    .append("; lines that differ (- documentation, + test):\n");
            diff(block.lines(), near.get().lines(), 12).forEach(l -> m.append("    ").append(l).append('\n'));
        } else {
            m.append("  no region shares a line with it: add one (CONTRIBUTING.md, \"Examples\")\n");
        }
        return m.toString();
    }

    /** A region that runs no block, as a failure message. */
    static String stale(Region region, List<Block> blocks) {
        StringBuilder m = new StringBuilder(region.where()).append(": the region runs no example of the documentation");
        Optional<Block> near = closestBlock(region.lines(), blocks);
        if (near.isPresent()) {
            m.append("; closest example: ").append(near.get().where())
                    .append("; lines that differ (- documentation, + test):\n");
            diff(near.get().lines(), region.lines(), 12).forEach(l -> m.append("    ").append(l).append('\n'));
        } else {
            m.append("; no example shares a line with it\n");
        }
        return m.toString();
    }

    static String summary(Map<String, List<Block>> blocks, List<Region> regions) {
        return blocks.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().size())
                .collect(Collectors.joining(", ", "examples: ", "; regions: " + regions.size()));
    }
}
