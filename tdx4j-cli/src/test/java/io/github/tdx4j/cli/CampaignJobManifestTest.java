package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tdx4j-campaign/deploy/k8s/campaign-job.yaml}, the campaign as a Kubernetes Indexed Job: it validates against
 * the Kubernetes API schemas (npm {@code kubernetes-models@5.1.0}, as the server's manifest is checked; skipped with
 * one line when node or npm is missing), its pods' arguments, expanded as the kubelet expands {@code $(VAR)} for each
 * completion index, are the shards of one campaign, and {@code collect-and-merge.sh} (with a stand-in kubectl)
 * collects their logs into files that {@code campaign merge} adds up to the unsharded report.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CampaignJobManifestTest {
    private static final Path DIR = Path.of("..", "tdx4j-campaign", "deploy", "k8s");
    private static final Path MANIFEST = DIR.resolve("campaign-job.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode job() throws IOException {
        return new YAMLMapper().readTree(MANIFEST.toFile());
    }

    private static JsonNode container(JsonNode job) {
        return job.at("/spec/template/spec/containers/0");
    }

    private static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        container.get("env").forEach(e -> {
            if (e.has("value")) {
                env.put(e.get("name").textValue(), e.get("value").textValue());
            }
        });
        return env;
    }

    /** The container's arguments with {@code $(VAR)} expanded from {@code env}, as the kubelet does. */
    private static List<String> args(JsonNode container, Map<String, String> env) {
        Pattern ref = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
        List<String> args = new ArrayList<>();
        container.get("args").forEach(a -> {
            Matcher m = ref.matcher(a.textValue());
            args.add(m.replaceAll(r -> Matcher.quoteReplacement(env.getOrDefault(r.group(1), r.group()))));
        });
        return args;
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run tdx4j(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static String process(Path dir, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", List.of(command), output).isZero();
        return output;
    }

    private static boolean available(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    @DisplayName("The Job validates against the Kubernetes schemas, and the check can fail (completions as a string)")
    void validAgainstKubernetesSchemas(@TempDir Path dir) throws Exception {
        boolean tools = available("node", "--version") && available("npm", "--version");
        if (!tools) {
            System.out.println("CampaignJobManifestTest schema check skipped: node and npm are not both on PATH");
        }
        assumeTrue(tools, "node and npm are not both on PATH");
        process(dir, Map.of(), "npm", "init", "-y");
        process(dir, Map.of(), "npm", "install", "--no-audit", "--no-fund", "kubernetes-models@5.1.0");
        try (InputStream in = CampaignJobManifestTest.class.getResourceAsStream("k8s-validate-job.mjs")) {
            Files.write(dir.resolve("validate.mjs"), in.readAllBytes());
        }
        JsonNode good = job();
        JsonNode bad = good.deepCopy();
        ((ObjectNode) bad.get("spec")).put("completions", "sixty-four");
        ArrayNode docs = JSON.createArrayNode().add(good).add(bad);
        Path file = Files.writeString(dir.resolve("docs.json"), docs.toString());
        List<JsonNode> results = new ArrayList<>();
        for (String line : process(dir, Map.of(), "node", "validate.mjs", file.toString()).strip().split("\n")) {
            results.add(JSON.readTree(line));
        }
        assertThat(results).hasSize(2);
        assertThat(results.get(0).get("valid").booleanValue()).as(results.get(0).toString()).isTrue();
        assertThat(results.get(1).get("valid").booleanValue()).as("completions as a string").isFalse();
    }

    @Test
    @DisplayName("An Indexed Job with completions = SHARDS whose pod i runs campaign --shard i/SHARDS --json --quiet; "
            + "no retry of a shard that ended with exit 1 or 2")
    void indexMapsToShard() throws Exception {
        JsonNode job = job();
        assertThat(job.get("kind").textValue()).isEqualTo("Job");
        assertThat(job.at("/spec/completionMode").textValue()).isEqualTo("Indexed");
        JsonNode c = container(job);
        Map<String, String> env = env(c);
        assertThat(job.at("/spec/completions").asInt()).isEqualTo(Integer.parseInt(env.get("SHARDS")));
        assertThat(c.get("env").toString()).contains("batch.kubernetes.io/job-completion-index");
        env.put("JOB_COMPLETION_INDEX", "5");
        assertThat(args(c, env)).startsWith("campaign").contains("--shard=5/" + env.get("SHARDS"), "--json",
                "--quiet");
        assertThat(job.at("/spec/podFailurePolicy/rules/0/action").textValue()).isEqualTo("FailIndex");
        assertThat(job.at("/spec/podFailurePolicy/rules/0/onExitCodes/values").toString()).isEqualTo("[1,2]");
    }

    @Test
    @DisplayName("Every pod's arguments (8 shards, 40 runs) print only its shard's report; collect-and-merge.sh with a "
            + "stand-in kubectl gathers the logs, and campaign merge of them equals the unsharded campaign")
    void podsCollectAndMergeToTheUnshardedReport(@TempDir Path dir) throws Exception {
        JsonNode c = container(job());
        Map<String, String> env = env(c);
        // Fewer shards and runs than the manifest's, to keep the test short; the mapping is the same for any count.
        int shards = 8;
        env.put("SHARDS", String.valueOf(shards));
        env.put("RUNS", String.valueOf(5 * shards));
        Path logs = Files.createDirectories(dir.resolve("logs"));
        for (int i = 0; i < shards; i++) {
            env.put("JOB_COMPLETION_INDEX", String.valueOf(i));
            List<String> args = new ArrayList<>(args(c, env));
            args.replaceAll(a -> a.startsWith("--out=") ? "--out=" + dir.resolve("failures") : a);
            Run pod = tdx4j(args);
            assertThat(pod.exit()).as(pod.err()).isZero();
            assertThat(pod.err()).as("the pod's log is the report alone").isEmpty();
            Files.writeString(logs.resolve("tdx4j-campaign-" + i), pod.out());
        }
        // A stand-in kubectl: the Job's completions, one finished pod (exit 0) per index, and the pods' logs.
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path kubectl = Files.writeString(bin.resolve("kubectl"), """
                #!/usr/bin/env bash
                set -eu
                case "$1 $2" in
                  "get job") echo -n %d ;;
                  "get pods") index=${4##*completion-index=}; echo "tdx4j-campaign-$index 0" ;;
                  "logs "*) cat "%s/$2" ;;
                  *) echo "unexpected kubectl $*" >&2; exit 9 ;;
                esac
                """.formatted(shards, logs));
        Path merge = Files.writeString(bin.resolve("tdx4j"), "#!/usr/bin/env bash\necho \"$@\" > \"%s\"\n"
                .formatted(dir.resolve("merge-args")));
        assertThat(kubectl.toFile().setExecutable(true) && merge.toFile().setExecutable(true)).isTrue();
        Path script = DIR.resolve("collect-and-merge.sh").toAbsolutePath();
        process(dir, Map.of("PATH", bin + ":" + System.getenv("PATH"), "TDX4J", merge.toString()),
                "bash", script.toString(), "tdx4j-campaign", "shards");
        List<String> mergeArgs = new ArrayList<>(List.of(Files.readString(dir.resolve("merge-args")).strip()
                .split(" ")));
        assertThat(mergeArgs).startsWith("campaign", "merge", "--out", "shards/campaign.json").hasSize(4 + shards);
        List<String> inDir = new ArrayList<>();
        mergeArgs.subList(4, mergeArgs.size()).forEach(f -> inDir.add(dir.resolve(f).toString()));
        List<String> run = new ArrayList<>(List.of("campaign", "merge", "--json"));
        run.addAll(inDir);
        Run merged = tdx4j(run);
        assertThat(merged.exit()).as(merged.err()).isZero();
        Run whole = tdx4j(List.of("campaign", "--runs", env.get("RUNS"), "--seed", env.get("SEED"), "--json",
                "--out", dir.resolve("failures").toString()));
        ObjectNode a = (ObjectNode) JSON.readTree(merged.out());
        ObjectNode b = (ObjectNode) JSON.readTree(whole.out());
        for (String timing : List.of("elapsedSeconds", "runsPerSecond")) {
            a.remove(timing);
            b.remove(timing);
        }
        assertThat(a).isEqualTo(b);
    }
}
