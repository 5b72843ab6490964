import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a staged release (a Maven repository directory written by
 * {@code ./mvnw -Prelease deploy -DaltDeploymentRepository=local::file:target/staging}) against what
 * Maven Central requires, and fails on anything missing.
 *
 * <p>The published modules are the ones that the staged {@code mtasts-bom} lists: a module added to
 * the BOM must be staged in full, with no change here. For each: the POM, the main jar (with a
 * module-info.class), the sources jar and the Javadoc jar, each with a {@code .md5} and a
 * {@code .sha1} that match its bytes ({@code .sha256} and {@code .sha512} are checked when present);
 * a POM with name, description, url, licence, scm and developers, read through its staged parents.
 * The stage holds nothing else: the BOM, the parent POMs of the published modules, and the
 * published modules; an unpublished module in the stage is an error, and so is a published module
 * that depends (in a scope other than test) on one of ours that is not published.
 *
 * <p>Run: {@code java .ci/CheckStaging.java target/staging org.mtasts}; add {@code --signed} for a
 * stage built with {@code -Psign}, to require a {@code .asc} signature beside every file.
 */
public final class CheckStaging {
    private static final List<String> REQUIRED_SUMS = List.of("md5", "sha1");
    private static final Map<String, String> ALGORITHMS = Map.of("md5", "MD5", "sha1", "SHA-1", "sha256", "SHA-256",
            "sha512", "SHA-512");

    private final Path stage;
    private final String groupId;
    private final boolean signed;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, List<String>> listing = new LinkedHashMap<>();

    private CheckStaging(Path stage, String groupId, boolean signed) {
        this.stage = stage;
        this.groupId = groupId;
        this.signed = signed;
    }

    public static void main(String[] args) throws Exception {
        boolean signed = args.length == 3 && args[2].equals("--signed");
        if (args.length != 2 && !signed) {
            System.err.println("usage: java .ci/CheckStaging.java <staging directory> <groupId> [--signed]");
            System.exit(2);
        }
        CheckStaging check = new CheckStaging(Path.of(args[0]), args[1], signed);
        check.run();
        check.listing.forEach((artifact, files) -> {
            System.out.println(artifact + ":");
            files.forEach(f -> System.out.println("  " + f));
        });
        if (!check.problems.isEmpty()) {
            System.err.println("The stage is not what Maven Central requires (" + check.problems.size() + " problems):");
            check.problems.forEach(p -> System.err.println("  - " + p));
            System.exit(1);
        }
        System.out.println("stage OK: " + check.listing.size() + " artifacts, every one complete");
    }

    private Path groupDir() {
        return stage.resolve(groupId.replace('.', '/'));
    }

    private void run() throws Exception {
        if (!Files.isDirectory(groupDir())) {
            problems.add("nothing staged under " + groupDir());
            return;
        }
        Optional<Path> bomPom = pomOf("mtasts-bom");
        if (bomPom.isEmpty()) {
            problems.add("mtasts-bom is not staged");
            return;
        }
        Document bom = parse(bomPom.get());
        String version = text(bom.getDocumentElement(), "version");
        Set<String> published = new TreeSet<>();
        for (Element d : all(child(child(bom.getDocumentElement(), "dependencyManagement"), "dependencies"),
                "dependency")) {
            if (!groupId.equals(text(d, "groupId"))) {
                problems.add("mtasts-bom manages " + text(d, "groupId") + ":" + text(d, "artifactId")
                        + ", which is not ours: a BOM of ours lists our published modules only");
                continue;
            }
            String v = text(d, "version");
            if (!version.equals(v) && !"${project.version}".equals(v)) {
                problems.add("mtasts-bom lists " + text(d, "artifactId") + " at " + v + ", not at its own version "
                        + version);
            }
            published.add(text(d, "artifactId"));
        }
        if (published.isEmpty()) {
            problems.add("mtasts-bom lists no module");
        }
        Set<String> expected = new TreeSet<>(published);
        expected.add("mtasts-bom");
        checkArtifact("mtasts-bom", version, expected);
        for (String artifactId : published) {
            checkArtifact(artifactId, version, expected);
        }
        // Nothing else: a directory of the group that is neither the BOM, a published module nor a
        // parent of one is an unpublished module that was deployed.
        try (Stream<Path> dirs = Files.list(groupDir())) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                String name = dir.getFileName().toString();
                if (!expected.contains(name)) {
                    problems.add(groupId + ":" + name + " is staged but is not published (not in mtasts-bom, "
                            + "not a parent of a published module): set maven.deploy.skip in its POM, or add it "
                            + "to mtasts-bom");
                }
            }
        }
        try (Stream<Path> tops = Files.list(stage)) {
            for (Path top : tops.toList()) {
                if (!groupDir().startsWith(top)) {
                    problems.add(top + " is staged but is not of group " + groupId);
                }
            }
        }
    }

    /** The newest staged POM of an artifact (a SNAPSHOT deployed twice has two). */
    private Optional<Path> pomOf(String artifactId) throws IOException {
        Path dir = groupDir().resolve(artifactId);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(dir, 2)) {
            return files.filter(p -> p.getFileName().toString().startsWith(artifactId + "-")
                    && p.getFileName().toString().endsWith(".pom")).max(Path::compareTo);
        }
    }

    private void checkArtifact(String artifactId, String version, Set<String> expected) throws Exception {
        String id = groupId + ":" + artifactId + ":" + version;
        Optional<Path> pomFile = pomOf(artifactId);
        if (pomFile.isEmpty()) {
            problems.add(id + ": not staged (mtasts-bom lists it): no POM under " + groupDir().resolve(artifactId));
            return;
        }
        Path pom = pomFile.get();
        String base = pom.getFileName().toString().replaceFirst("\\.pom$", "");
        Document doc = parse(pom);
        Element project = doc.getDocumentElement();
        String packaging = Optional.ofNullable(text(project, "packaging")).orElse("jar");
        List<String> files = new ArrayList<>();
        files.add(base + ".pom");
        if (packaging.equals("jar")) {
            files.add(base + ".jar");
            files.add(base + "-sources.jar");
            files.add(base + "-javadoc.jar");
        }
        List<String> staged = new ArrayList<>();
        for (String f : files) {
            Path file = pom.resolveSibling(f);
            if (!Files.isRegularFile(file) || Files.size(file) == 0) {
                problems.add(id + ": " + f + " is missing or empty");
                continue;
            }
            staged.add(f);
            if (signed && !Files.isRegularFile(pom.resolveSibling(f + ".asc"))) {
                problems.add(id + ": " + f + ".asc (the signature) is missing");
            }
            for (String sum : List.of("md5", "sha1", "sha256", "sha512")) {
                Path sumFile = pom.resolveSibling(f + "." + sum);
                if (!Files.isRegularFile(sumFile)) {
                    if (REQUIRED_SUMS.contains(sum)) {
                        problems.add(id + ": " + f + "." + sum + " is missing");
                    }
                    continue;
                }
                String want = digest(file, ALGORITHMS.get(sum));
                String have = Files.readString(sumFile).strip().split("\\s+")[0].toLowerCase();
                if (!want.equals(have)) {
                    problems.add(id + ": " + f + "." + sum + " is " + have + ", the file's is " + want);
                }
                staged.add(f + "." + sum);
            }
        }
        if (packaging.equals("jar")) {
            checkJar(id, pom.resolveSibling(base + ".jar"), "module-info.class", "a module-info.class (JPMS)");
            checkJar(id, pom.resolveSibling(base + "-sources.jar"), ".java", "Java sources");
            checkJar(id, pom.resolveSibling(base + "-javadoc.jar"), "index.html", "an index.html");
        }
        try (Stream<Path> all = Files.list(pom.getParent())) {
            all.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".asc")).forEach(staged::add);
        }
        listing.put(id, staged);

        // A parent of ours must be staged (a consumer's build reads it) and complete too.
        Element parent = child(project, "parent");
        if (parent != null && groupId.equals(text(parent, "groupId"))) {
            String parentId = text(parent, "artifactId");
            String parentKey = groupId + ":" + parentId + ":" + text(parent, "version");
            expected.add(parentId);
            if (pomOf(parentId).isEmpty()) {
                problems.add(id + ": its parent " + parentKey + " is not staged");
            } else if (!listing.containsKey(parentKey)) {
                listing.put(parentKey, List.of());
                checkArtifact(parentId, text(parent, "version"), expected);
            }
        }

        // A consumer resolves every non-test dependency of ours: it must be published too.
        for (Element d : all(child(project, "dependencies"), "dependency")) {
            String scope = Optional.ofNullable(text(d, "scope")).orElse("compile");
            if (groupId.equals(text(d, "groupId")) && !scope.equals("test") && !scope.equals("import")
                    && !expected.contains(text(d, "artifactId"))) {
                problems.add(id + ": depends on " + groupId + ":" + text(d, "artifactId") + " (" + scope
                        + "), which is not published (not in mtasts-bom)");
            }
        }

        // What Central requires of the POM, inherited from the staged parents where Maven inherits it.
        require(id, project, "name", false);
        for (String element : List.of("description", "url")) {
            require(id, project, element, true);
        }
        Element licenses = inherited(project, "licenses");
        if (licenses == null || all(licenses, "license").stream().noneMatch(l -> text(l, "name") != null
                && text(l, "url") != null)) {
            problems.add(id + ": no licenses/license with name and url");
        }
        Element scm = inherited(project, "scm");
        if (scm == null || text(scm, "url") == null || text(scm, "connection") == null) {
            problems.add(id + ": no scm with url and connection");
        }
        Element developers = inherited(project, "developers");
        if (developers == null || all(developers, "developer").stream()
                .noneMatch(d -> text(d, "name") != null || text(d, "id") != null)) {
            problems.add(id + ": no developers/developer with a name or id");
        }
    }

    private void require(String id, Element project, String element, boolean inheritable) throws Exception {
        Element e = inheritable ? inherited(project, element) : child(project, element);
        if (e == null || e.getTextContent().isBlank()) {
            problems.add(id + ": no <" + element + ">" + (inheritable ? " (nor in a staged parent)" : ""));
        }
    }

    /** An element of a POM, or of its nearest staged parent that has it. */
    private Element inherited(Element project, String element) throws Exception {
        Element current = project;
        for (int depth = 0; depth < 10; depth++) {
            Element e = child(current, element);
            if (e != null) {
                return e;
            }
            Element parent = child(current, "parent");
            if (parent == null) {
                return null;
            }
            String parentId = text(parent, "artifactId");
            if (!groupId.equals(text(parent, "groupId"))) {
                return null;                        // a third-party parent: not ours to check
            }
            Optional<Path> parentPom = pomOf(parentId);
            if (parentPom.isEmpty()) {
                return null;                        // reported by checkArtifact
            }
            current = parse(parentPom.get()).getDocumentElement();
        }
        return null;
    }

    private void checkJar(String id, Path jar, String suffix, String what) throws IOException {
        if (!Files.isRegularFile(jar)) {
            return;
        }
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().endsWith(suffix)) {
                    return;
                }
            }
        }
        problems.add(id + ": " + jar.getFileName() + " has no " + what);
    }

    private static String digest(Path file, String algorithm) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance(algorithm);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(pom.toFile());
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> all(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null || e.getTextContent().isBlank() ? null : e.getTextContent().strip();
    }
}
