package io.github.tdx4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.github.tdx4j.campaign.CampaignRun;
import io.github.tdx4j.campaign.TapeFile;
import io.github.tdx4j.sim.adversary.FaultTape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command's {@code --json} output validates against its published schema in {@code schemas/} (JSON Schema
 * 2020-12, checked with networknt json-schema-validator), and the schemas reject the shapes the commands printed
 * before the shapes were made one per field.
 */
class JsonSchemasTest {
    /** The repository's {@code schemas/} folder; Maven runs the tests in the module's folder. */
    static final Path SCHEMAS = Path.of("..", "schemas").toAbsolutePath().normalize();
    private static final Path DATA = TestVectors.DIR;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SchemaRegistry registry;

    /** The registry of schemas/, made on first use (other test classes validate through {@link #errors} too). */
    private static synchronized SchemaRegistry registry() {
        if (registry == null) {
            // The schemas refer to each other by relative $ref (common.schema.json#/$defs/...); those resolve to file:
            // IRIs in schemas/, which the validator does not fetch by itself: they are read here.
            registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                    b -> b.schemas(JsonSchemasTest::localSchema));
        }
        return registry;
    }

    @TempDir
    static Path tmp;
    private static Path simQuote;
    private static Path simCollateral;
    private static Path simRoot;

    @BeforeAll
    static void simulatedEvidence() {
        simQuote = tmp.resolve("q.dat");
        simCollateral = tmp.resolve("c.json");
        simRoot = tmp.resolve("root.pem");
        CliRun r = CliRun.of("quote", "--simulated", "--out", simQuote.toString(), "--collateral-out",
                simCollateral.toString(), "--root-out", simRoot.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    /** The text of a schema in schemas/ named by a file: IRI; null for any other IRI (the meta-schemas). */
    private static String localSchema(String iri) {
        if (!iri.startsWith("file:")) {
            return null;
        }
        Path file = Path.of(URI.create(iri)).normalize();
        if (!file.startsWith(SCHEMAS)) {
            return null;
        }
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Schema schema(String name) {
        return registry().getSchema(SchemaLocation.of(SCHEMAS.resolve(name + ".schema.json").toUri().toString()));
    }

    /** The validation errors of {@code json} against {@code schemas/NAME.schema.json}. */
    static List<String> errors(String name, JsonNode json) {
        return schema(name).validate(json).stream().map(Error::toString).toList();
    }

    private static JsonNode validOutput(String schema, int expectedExit, String... args) throws IOException {
        CliRun r = CliRun.of(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(expectedExit);
        JsonNode json = JSON.readTree(r.out());
        assertThat(errors(schema, json)).as(String.join(" ", args)).isEmpty();
        return json;
    }

    @Test
    @DisplayName("Every schema in schemas/ is a valid JSON Schema 2020-12 document")
    void schemasAreValid() throws IOException {
        Schema meta = registry().getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        List<Path> files;
        try (Stream<Path> s = Files.list(SCHEMAS)) {
            files = s.filter(p -> p.toString().endsWith(".schema.json")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("verify.schema.json",
                "inspect.schema.json", "quote.schema.json", "report.schema.json", "demo.schema.json",
                "campaign.schema.json");
        for (Path f : files) {
            assertThat(meta.validate(JSON.readTree(f.toFile()))).as(f.toString()).isEmpty();
        }
    }

    @Test
    @DisplayName("verify --json: verified, failed (Intel's root), SGX, and collateral that is not JSON all fit verify.schema.json")
    void verify() throws IOException {
        JsonNode ok = validOutput("verify", Main.OK, "verify", simQuote.toString(), "--collateral",
                simCollateral.toString(), "--root", simRoot.toString(), "--json");
        assertThat(ok.get("verified").asBoolean()).isTrue();
        JsonNode failed = validOutput("verify", Main.CHECK_FAILED, "verify", simQuote.toString(), "--collateral",
                simCollateral.toString(), "--json");
        assertThat(failed.get("verified").asBoolean()).isFalse();
        validOutput("verify", Main.OK, "verify", DATA.resolve("dcap-qvl/sgx_quote").toString(), "--collateral",
                DATA.resolve("dcap-qvl/sgx_quote_collateral.json").toString(), "--at", "1751328000", "--json");
        validOutput("verify", Main.OK, "verify", DATA.resolve("dcap-qvl/tdx_quote").toString(), "--collateral",
                DATA.resolve("dcap-qvl/tdx_quote_collateral.json").toString(), "--at", "1751328000", "--json");
        JsonNode noCollateral = validOutput("verify", Main.CHECK_FAILED, "verify", simQuote.toString(),
                "--collateral", simQuote.toString(), "--json");
        assertThat(noCollateral.get("quoteFields").isNull()).isTrue();
    }

    @ParameterizedTest(name = "inspect --json {0}")
    @ValueSource(strings = {"guest-components/tdx_report_1.bin", "dcap-qvl/tdx_quote", "dcap-qvl/tdx-quote.hex",
            "trustee/tdx_quote_5.dat", "go-tdx-guest/tdx_prod_quote_SPR_E4.dat", "dcap-qvl/sgx_quote",
            "go-tdx-guest/ccel/ccel_table.dat", "go-tdx-guest/ccel/ccel_data.dat",
            "dcap-qvl/tdx_quote_collateral.json", "go-tdx-guest/sample_tcbInfo_response",
            "go-tdx-guest/sample_qeIdentity_response"})
    @DisplayName("inspect --json of every kind of evidence fits inspect.schema.json")
    void inspect(String vector) throws IOException {
        validOutput("inspect", Main.OK, "inspect", "--json", DATA.resolve(vector).toString());
    }

    @Test
    @DisplayName("inspect --json of tdx4j extend's runtime event log (a damaged record too) fits inspect.schema.json")
    void inspectRuntimeEventLog() throws IOException {
        Path log = tmp.resolve("td/events.cel.json-seq");
        for (String d : new String[] {"a1", "b2"}) {
            CliRun e = CliRun.of("extend", "--simulated", "--event-log", log.toString(), "--rtmr", "3", "--digest",
                    d.repeat(48), "--description", "app " + d);
            assertThat(e.exitCode()).as(e.err()).isZero();
        }
        java.nio.file.Files.write(log, new byte[] {0x1e, '{'}, java.nio.file.StandardOpenOption.APPEND);
        JsonNode j = validOutput("inspect", Main.OK, "inspect", "--json", log.toString());
        assertThat(j.get("kind").textValue()).isEqualTo("runtime event log");
        assertThat(j.get("records")).hasSize(2);
        assertThat(j.get("records").get(1).get("description").textValue()).isEqualTo("app b2");
        assertThat(j.get("records").get(1).get("sha384").textValue()).isEqualTo("b2".repeat(48));
        assertThat(j.get("records").get(1).get("rtmr").intValue()).isEqualTo(3);
        assertThat(j.get("damaged")).hasSize(1);
        assertThat(j.get("damaged").get(0).get("recnum").intValue()).isEqualTo(2);
    }

    @Test
    @DisplayName("quote --json, report --json, rtmr --json and extend --json on the simulator fit their schemas")
    void attestationCommands() throws IOException {
        JsonNode q = validOutput("quote", Main.OK, "quote", "--simulated", "--json");
        assertThat(q.get("version").isInt()).isTrue();
        validOutput("quote", Main.OK, "quote", "--simulated", "--json", "--out", tmp.resolve("q2.dat").toString());
        validOutput("report", Main.OK, "report", "--simulated", "--report-data", "00ff", "--json");
        validOutput("rtmr", Main.OK, "rtmr", "--simulated", "--json");
        validOutput("rtmr", Main.OK, "extend", "--simulated", "--rtmr", "3", "--digest", "ab".repeat(48), "--json");
    }

    @Test
    @DisplayName("detect --json fits detect.schema.json whatever this machine offers")
    void detect() throws IOException {
        CliRun r = CliRun.of("detect", "--json");
        assertThat(errors("detect", JSON.readTree(r.out()))).isEmpty();
    }

    @ParameterizedTest(name = "decode --json --as {0}")
    @ValueSource(strings = {"status", "tdvmcall", "getquote", "rax", "subfunction", "exit", "io", "attributes", "mask"})
    @DisplayName("decode --json of every kind fits decode.schema.json")
    void decode(String kind) throws IOException {
        validOutput("decode", Main.OK, "decode", "--json", "--as", kind, "0xC000010000000001");
    }

    @Test
    @DisplayName("demo --json fits demo.schema.json; its quoteFields have the shape of verify's")
    void demo() throws IOException {
        JsonNode d = validOutput("demo", Main.OK, "demo", "--json");
        assertThat(d.get("quoteFields").get("version").isInt()).isTrue();
    }

    @Test
    @DisplayName("campaign --json, campaign merge --json, --sites --json and --replay TAPE --json fit "
            + "campaign.schema.json")
    void campaign(@TempDir Path dir) throws IOException {
        validOutput("campaign", Main.OK, "campaign", "--runs", "20", "--json", "--out", dir.toString());
        for (int i = 0; i < 2; i++) {
            CliRun shard = CliRun.of("campaign", "--runs", "20", "--shard", i + "/2", "--json", "--quiet", "--out",
                    dir.toString());
            java.nio.file.Files.writeString(dir.resolve("shard-" + i + ".json"), shard.out());
        }
        validOutput("campaign", Main.OK, "campaign", "merge", dir.resolve("shard-0.json").toString(),
                dir.resolve("shard-1.json").toString(), "--json");
        validOutput("campaign", Main.OK, "campaign", "--sites", "--json");
        Path tape = new TapeFile(CampaignRun.MODEL_VERSION, 99, FaultTape.ofHex("0000000011"), null)
                .write(dir.resolve("t.txt"));
        validOutput("campaign", Main.OK, "campaign", "--replay", tape.toString(), "--json");
    }

    @Test
    @DisplayName("The schemas reject the old shapes: quote version \"4\", verify's little-endian tdAttributes, detect's CPU_FLAG")
    void oldShapesAreRejected() throws IOException {
        ObjectNode quote = (ObjectNode) JSON.readTree(CliRun.of("quote", "--simulated", "--json").out());
        assertThat(errors("quote", quote)).isEmpty();
        quote.put("version", "4");
        assertThat(errors("quote", quote)).isNotEmpty();

        ObjectNode verify = (ObjectNode) JSON.readTree(CliRun.of("verify", simQuote.toString(), "--collateral",
                simCollateral.toString(), "--root", simRoot.toString(), "--json").out());
        ((ObjectNode) verify.get("quoteFields")).put("tdAttributes", "0000001000000000");
        assertThat(errors("verify", verify)).isNotEmpty();
        verify.remove("verified");
        assertThat(errors("verify", verify)).isNotEmpty();

        ObjectNode detect = (ObjectNode) JSON.readTree(CliRun.of("detect", "--json").out());
        detect.set("CPU_FLAG", detect.remove("cpuFlag"));
        assertThat(errors("detect", detect)).isNotEmpty();
    }
}
