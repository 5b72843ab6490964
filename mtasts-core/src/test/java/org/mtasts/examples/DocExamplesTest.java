package org.mtasts.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtasts.examples.DocExamples.Block;
import org.mtasts.examples.DocExamples.Region;
import org.mtasts.examples.DocExamples.Regions;

/** The rules of {@link DocExamples} on small inputs: what is an example, a region, and a match. */
class DocExamplesTest {

    private static List<String> lines(String text) {
        return text.lines().toList();
    }

    @Test
    void findsJavadocBlocksWithTheirElementAndUndoesTheEscapes() {
        List<Block> blocks = DocExamples.javadocBlocks("m/src/main/java/p/Widget.java", lines("""
                package p;

                /**
                 * A widget.
                 *
                 * <pre>{@code
                 * List&lt;String&gt; names = Widget.names();     // a &amp; b
                 * {@literal @}Widgeted
                 *     class Inner {}
                 * }</pre>
                 */
                @SuppressWarnings({"a",
                        "b"})
                public final class Widget {
                    /** A count: <pre>{@code int n = Widget.count();}</pre> */
                    public static int count() {
                        return 0;
                    }

                    /**
                     * The builder.
                     * <pre>{@code
                     * Widget.Builder b = Widget.builder();
                     * }</pre>
                     */
                    public static final class Builder {}

                    // /** not a comment: <pre>{@code no()}</pre> */
                }
                """));
        assertThat(blocks).extracting(Block::element).containsExactly("Widget", "Widget.count()", "Widget.Builder");
        assertThat(blocks.get(0).text()).containsExactly(
                "List<String> names = Widget.names();     // a & b", "@Widgeted", "    class Inner {}");
        assertThat(blocks.get(0).lines()).containsExactly(
                "List<String> names = Widget.names();     // a & b", "@Widgeted", "class Inner {}");
        assertThat(blocks.get(0).line()).isEqualTo(7);
        assertThat(blocks.get(1).lines()).containsExactly("int n = Widget.count();");
        assertThat(blocks.get(1).line()).isEqualTo(15);
        assertThat(blocks.get(2).where()).isEqualTo("m/src/main/java/p/Widget.java:23 (Widget.Builder)");
    }

    @Test
    void namesModuleAndPackageBlocks() {
        assertThat(DocExamples.javadocBlocks("m/src/main/java/module-info.java", lines("""
                /**
                 * <pre>{@code
                 * var x = 1;
                 * }</pre>
                 */
                module org.example.widgets {
                }
                """))).extracting(Block::element).containsExactly("module org.example.widgets");
        assertThat(DocExamples.javadocBlocks("m/src/main/java/p/package-info.java", lines("""
                /**
                 * <pre>{@code
                 * var x = 1;
                 * }</pre>
                 */
                @NullMarked
                package org.example.widgets;
                """))).extracting(Block::element).containsExactly("package org.example.widgets");
    }

    @Test
    void findsOnlyJavaAndXmlFencesOfMarkdownNamedByTheirSection() {
        List<Block> blocks = DocExamples.markdownBlocks("README.md", lines("""
                # Title

                ## Parsing (`mtasts-core`)

                ```java
                  int a = 1;
                ```

                ```sh
                # not a heading: inside a fence
                ./mvnw verify
                ```

                - a list item:

                  ```java
                  int b = 2;
                  ```

                ```xml
                <scope>test</scope>
                ```
                """));
        assertThat(blocks).extracting(Block::element).containsExactly("\"Parsing (`mtasts-core`)\"",
                "\"Parsing (`mtasts-core`)\"", "\"Parsing (`mtasts-core`)\"");
        assertThat(blocks).extracting(Block::lines).containsExactly(List.of("int a = 1;"), List.of("int b = 2;"),
                List.of("<scope>test</scope>"));
        assertThat(blocks.get(0).line()).isEqualTo(6);
    }

    @Test
    void readsRegionsChainedClosedAndWithSandboxOnlyLinesLeftOut() {
        Regions r = DocExamples.regions("T.java", lines("""
                // ------------------------------------------------ a rule, not a marker
                int setUp = 0;
                // --- example: A
                int a = 1;
                    int b = 2;   // sandbox only
                // --- example: B.Builder
                int c = 3;

                // ---
                assertThat(a);
                """));
        assertThat(r.problems()).isEmpty();
        assertThat(r.regions()).extracting(Region::label).containsExactly("A", "B.Builder");
        assertThat(r.regions()).extracting(Region::lines).containsExactly(List.of("int a = 1;"), List.of("int c = 3;"));
        assertThat(r.regions().get(1).where()).isEqualTo("T.java:6 (example: B.Builder)");
    }

    @Test
    void readsTheRegionsOfAPomFromItsXmlMarkers() {
        List<String> pom = lines("""
                <dependencies>
                  <!-- example: README Use it, tests -->
                  <dependency>
                    <scope>test</scope>
                  </dependency>
                  <!-- end of example -->
                  <!-- an ordinary comment -->
                </dependencies>
                """);
        Regions r = DocExamples.regions("examples/x/pom.xml", DocExamples.xmlMarkersAsJava(pom));
        assertThat(r.problems()).isEmpty();
        assertThat(r.regions()).singleElement().satisfies(region -> {
            assertThat(region.label()).isEqualTo("README Use it, tests");
            assertThat(region.line()).isEqualTo(2);
            assertThat(region.lines()).containsExactly("<dependency>", "<scope>test</scope>", "</dependency>");
        });
        assertThat(DocExamples.regions("examples/x/pom.xml", DocExamples.xmlMarkersAsJava(
                lines("<!-- example: README A -->\n<a/>\n"))).problems())
                .extracting(Object::toString).containsExactly("examples/x/pom.xml:1: the region is not closed by `// ---`");
    }

    @Test
    void reportsMalformedMarkers() {
        Regions r = DocExamples.regions("T.java", lines("""
                // --- example (Old)
                // ---
                // --- example:
                int x = 1;
                // ---
                // --- example: Empty
                int onlyForTheSandbox = 1;   // sandbox only
                // --- example: Open
                int y = 2;
                """));
        assertThat(r.problems()).extracting(Object::toString).containsExactly(
                "T.java:1: a marker is `// --- example: LABEL` or `// ---`, not `// --- example (Old)`",
                "T.java:2: `// ---` closes no region",
                "T.java:3: the region has no label: `// --- example: TypeName` or `// --- example: README Section`",
                "T.java:6: the region is empty",
                "T.java:8: the region is not closed by `// ---`");
    }

    @Test
    void matchesLineByLineAndNamesTheClosestRegionAndTheDifference() {
        Block block = DocExamples.markdownBlocks("README.md", lines("""
                ## Parsing
                ```java
                StsPolicy policy = StsPolicy.parse(body).orElseThrow();
                boolean ok = policy.matches(mx);
                ```
                """)).get(0);
        Region same = DocExamples.regions("A.java", lines("""
                // --- example: README Parsing
                        StsPolicy policy = StsPolicy.parse(body).orElseThrow();
                        policy = other;   // sandbox only
                        boolean ok = policy.matches(mx);
                // ---
                """)).regions().get(0);
        Region drifted = DocExamples.regions("B.java", lines("""
                // --- example: README Parsing
                StsPolicy policy = StsPolicy.parse(body).orElseThrow();
                boolean ok = policy.matches(mx, true);
                // ---
                """)).regions().get(0);
        assertThat(DocExamples.matching(block, List.of(same, drifted))).containsExactly(same);
        assertThat(DocExamples.unmatched(block, List.of(drifted))).isEqualTo("""
                README.md:3 ("Parsing"): no test region runs this example:
                    | StsPolicy policy = StsPolicy.parse(body).orElseThrow();
                    | boolean ok = policy.matches(mx);
                  closest region: B.java:1 (example: README Parsing); lines that differ (- documentation, + test):
                    + boolean ok = policy.matches(mx, true);
                    - boolean ok = policy.matches(mx);
                """);
        assertThat(DocExamples.stale(drifted, List.of(block))).startsWith(
                "B.java:1 (example: README Parsing): the region runs no example of the documentation; "
                        + "closest example: README.md:3 (\"Parsing\")");
        assertThat(DocExamples.unmatched(block, List.of())).endsWith(
                "no region shares a line with it: add one (CONTRIBUTING.md, \"Examples\")\n");
    }
}
