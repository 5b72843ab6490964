package org.mtasts.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.examples.DocExamples.Block;
import org.mtasts.examples.DocExamples.Region;
import org.mtasts.examples.DocExamples.Regions;

/**
 * Every example of the documentation runs in a test, as written (CONTRIBUTING.md, "Examples"):
 * the Javadoc {@code <pre>{@code ...}</pre>} blocks of every module's main sources (but the JMH
 * command lines of mtasts-benchmarks) and the {@code ```java} blocks of README.md and
 * CONTRIBUTING.md, each the body of a {@code // --- example: LABEL} ... {@code // ---} region of a
 * test in any module; the README's POM snippets ({@code ```xml}) and the code of "Use it from your
 * build" are regions of the example projects in {@code examples/} (their sources and POMs).
 *
 * <p>It lives in mtasts-core because every build of any module builds core first: an example
 * edited anywhere is checked by {@code ./mvnw -pl <module> -am verify}. The regions themselves
 * compile and run in the tests of their own modules.
 */
class ExamplesCheckTest {
    static Path root;
    static Map<String, List<Block>> blocks;
    static List<Block> allBlocks;
    static Regions regions;

    @BeforeAll
    static void scan() {
        root = DocExamples.root();
        blocks = DocExamples.blocks(root);
        allBlocks = blocks.values().stream().flatMap(List::stream).toList();
        regions = DocExamples.regions(root);
        System.out.println(DocExamples.summary(blocks, regions.regions()));
        for (Block b : allBlocks) {
            List<Region> r = DocExamples.matching(b, regions.regions());
            System.out.println(b.where() + " -> " + (r.isEmpty() ? "NONE" : r.get(0).where()));
        }
    }

    @Test
    @DisplayName("every example of the documentation is the body of a region of a test")
    void everyExampleRunsInATest() {
        List<String> failures = new ArrayList<>();
        for (Block b : allBlocks) {
            if (DocExamples.matching(b, regions.regions()).isEmpty()) {
                failures.add(DocExamples.unmatched(b, regions.regions()));
            }
        }
        failIfAny(failures, failures.size() + " of " + allBlocks.size()
                + " examples run in no test region (CONTRIBUTING.md, \"Examples\")");
    }

    @Test
    @DisplayName("every region of a test runs an example of the documentation")
    void everyRegionRunsAnExample() {
        List<String> failures = new ArrayList<>();
        for (Region r : regions.regions()) {
            if (allBlocks.stream().noneMatch(b -> b.lines().equals(r.lines()))) {
                failures.add(DocExamples.stale(r, allBlocks));
            }
        }
        failIfAny(failures, failures.size() + " of " + regions.regions().size()
                + " regions run no example (the example changed or is gone, CONTRIBUTING.md, \"Examples\")");
    }

    @Test
    @DisplayName("the region markers are well formed and in tests that ./mvnw verify runs")
    void markersAreWellFormed() {
        failIfAny(regions.problems().stream().map(Object::toString).toList(), "region markers");
    }

    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^(\\s*)public\\s+(?:(?:static|final|abstract|sealed|non-sealed|strictfp)\\s+)*"
                    + "(?:class|interface|record|enum|@interface)\\s+(\\w+)");

    @Test
    @DisplayName("every public type of the library modules has an example and @since (STYLE.md, CONTRIBUTING.md)")
    void everyPublicTypeHasAnExampleAndSince() {
        List<String> failures = new ArrayList<>();
        for (Path module : DocExamples.modules(root)) {
            if (!DocExamples.API_MODULES.contains(module.getFileName().toString())) {
                continue;
            }
            for (Path f : DocExamples.javaFiles(module.resolve("src/main/java"))) {
                List<String> source = DocExamples.read(f);
                for (int i = 0; i < source.size(); i++) {
                    Matcher m = PUBLIC_TYPE.matcher(source.get(i));
                    if (!m.find() || !m.group(1).isEmpty()) {
                        continue;                       // top-level types; nested ones are shown by their owner
                    }
                    String comment = commentBefore(source, i);
                    String where = DocExamples.relative(root, f) + ":" + (i + 1) + " (" + m.group(2) + ")";
                    if (!comment.contains("<pre>{@code")) {
                        failures.add(where + ": no <pre>{@code ...}</pre> example");
                    }
                    if (!comment.contains("@since")) {
                        failures.add(where + ": no @since");
                    }
                }
            }
        }
        failIfAny(failures, "public types without an example or @since (CONTRIBUTING.md, \"Javadoc\")");
    }

    private static void failIfAny(List<String> failures, String what) {
        if (!failures.isEmpty()) {
            fail(what + ":\n\n" + String.join("\n", failures));
        }
    }

    /** The Javadoc comment above a declaration (annotations skipped), or "". */
    static String commentBefore(List<String> source, int declaration) {
        int i = declaration - 1;
        while (i >= 0 && (source.get(i).strip().startsWith("@") || source.get(i).isBlank())) {
            i--;
        }
        if (i < 0 || !source.get(i).strip().endsWith("*/")) {
            return "";
        }
        int end = i;
        while (i >= 0 && !source.get(i).contains("/**")) {
            i--;
        }
        return i < 0 ? "" : String.join("\n", source.subList(i, end + 1));
    }
}
