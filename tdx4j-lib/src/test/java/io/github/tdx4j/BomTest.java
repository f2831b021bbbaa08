package io.github.tdx4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * tdx4j-bom has no parent (so importing it manages only tdx4j's own artifacts), so nothing keeps it in step with the
 * build but this test: it must list every module a user can depend on, at the build's version.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BomTest {
    /** Modules that are not libraries: the BOM itself, the JMH benchmarks and the architecture gates (tests only). */
    private static final List<String> NOT_LIBRARIES = List.of("tdx4j-bom", "tdx4j-bench", "tdx4j-arch");

    @Test
    @DisplayName("tdx4j-bom lists every library module of the build at the build's version, and nothing else")
    void bomListsEveryModuleAtTheBuildsVersion() throws Exception {
        Path root = repository();
        Document parent = parse(root.resolve("pom.xml"));
        String version = text(parent.getDocumentElement(), "version");
        List<String> artifacts = new ArrayList<>();
        NodeList modules = parent.getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
            String folder = modules.item(i).getTextContent().trim();
            if (!NOT_LIBRARIES.contains(folder)) {
                artifacts.add(text(parse(root.resolve(folder).resolve("pom.xml")).getDocumentElement(), "artifactId"));
            }
        }

        Document bom = parse(root.resolve("tdx4j-bom/pom.xml"));
        Map<String, String> managed = new LinkedHashMap<>();
        NodeList deps = bom.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            assertThat(text(d, "groupId")).isEqualTo("io.github.tdx4j");
            managed.put(text(d, "artifactId"), text(d, "version"));
        }

        assertThat(text(bom.getDocumentElement(), "version")).isEqualTo(version);
        assertThat(managed.keySet()).containsExactlyInAnyOrderElementsOf(artifacts);
        assertThat(managed.values()).allMatch(version::equals, "the build's version " + version);
    }

    private static Path repository() {
        Path root = Path.of(System.getProperty("tdx4j.vectors", "../vectors")).toAbsolutePath().normalize().getParent();
        if (!Files.isRegularFile(root.resolve("tdx4j-bom/pom.xml"))) {
            throw new IllegalStateException("the repository (with tdx4j-bom/pom.xml) is not at " + root);
        }
        return root;
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(pom.toFile());
    }

    /** The text of {@code parent}'s direct child element {@code name}. */
    private static String text(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().trim();
            }
        }
        throw new AssertionError(parent.getTagName() + " has no " + name);
    }
}
