package io.github.tdx4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/kubernetes.yaml} is valid against the Kubernetes API schemas (the OpenAPI schemas of Kubernetes as
 * npm {@code kubernetes-models@5.1.0} ships them, validated with its {@code validate()}), and runs the server as the
 * README says. Installs the package into a temporary folder; skips with one line when node or npm is missing.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class KubernetesManifestTest {
    static final Path MANIFEST = Path.of("deploy", "kubernetes.yaml");

    @TempDir
    static Path dir;

    static List<JsonNode> documents() throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = new YAMLMapper().readerFor(JsonNode.class).readValues(MANIFEST.toFile())) {
            while (it.hasNext()) {
                docs.add((JsonNode) it.next());
            }
        }
        return docs;
    }

    @BeforeAll
    static void install() throws Exception {
        boolean tools = DcapQvlClientTest.available("node", "--version")
                && DcapQvlClientTest.available("npm", "--version");
        if (!tools) {
            System.out.println("KubernetesManifestTest schema check skipped: node and npm are not both on PATH");
        }
        assumeTrue(tools, "node and npm are not both on PATH");
        DcapQvlClientTest.run(dir, 240, "npm", "init", "-y");
        DcapQvlClientTest.Result r = DcapQvlClientTest.run(dir, 240, "npm", "install", "--no-audit", "--no-fund",
                "kubernetes-models@5.1.0");
        assertThat(r.exit()).as("npm install kubernetes-models@5.1.0: " + r.output()).isZero();
        try (InputStream in = KubernetesManifestTest.class.getResourceAsStream("k8s-validate.mjs")) {
            Files.write(dir.resolve("validate.mjs"), in.readAllBytes());
        }
    }

    static List<JsonNode> validate(List<JsonNode> docs) throws Exception {
        ArrayNode array = Http.JSON.createArrayNode();
        docs.forEach(array::add);
        Path file = Files.writeString(dir.resolve("docs-" + System.nanoTime() + ".json"), array.toString());
        DcapQvlClientTest.Result r = DcapQvlClientTest.run(dir, 60, "node", "validate.mjs", file.toString());
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.output().strip().split("\n")) {
            out.add(Http.JSON.readTree(line));
        }
        return out;
    }

    @Test
    @DisplayName("The Deployment and the Service validate against the Kubernetes schemas")
    void manifestIsValid() throws Exception {
        List<JsonNode> results = validate(documents());
        assertThat(results).extracting(j -> j.get("kind").textValue()).containsExactly("Deployment", "Service");
        assertThat(results).allSatisfy(j -> assertThat(j.get("valid").booleanValue()).as(j.toString()).isTrue());
    }

    @Test
    @DisplayName("The check can fail: replicas as a string is refused")
    void brokenManifestIsRefused() throws Exception {
        List<JsonNode> docs = documents();
        ((ObjectNode) docs.getFirst().get("spec")).put("replicas", "three");
        assertThat(validate(docs).getFirst().get("valid").booleanValue()).isFalse();
    }

    @Test
    @DisplayName("The container runs tdx4j serve on all interfaces with a shared signing key, probed at /healthz")
    void runsTheServer() throws Exception {
        JsonNode container = documents().getFirst().at("/spec/template/spec/containers/0");
        List<String> args = new ArrayList<>();
        container.get("args").forEach(a -> args.add(a.textValue()));
        assertThat(args).startsWith("serve").contains("--bind=0.0.0.0", "--port=8081");
        assertThat(args).anyMatch(a -> a.startsWith("--signing-key="));
        assertThat(container.at("/readinessProbe/httpGet/path").textValue()).isEqualTo("/healthz");
    }
}
