package io.github.tdx4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.github.tdx4j.sim.SimSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code POST /verify} answers in the shape of {@code schemas/verify.schema.json}, the shape of {@code tdx4j verify
 * --json} (both rendered by tdx4j-attest's VerificationJson): verified, refused, with and without the token and the
 * fields, a policy broken, an SGX quote.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VerifyAnswerSchemaTest {
    static final Path SCHEMAS = Path.of("..", "schemas").toAbsolutePath().normalize();
    static Schema schema;
    static SimulatedQuotes quotes;
    static TdxServer server;

    @BeforeAll
    static void start() {
        // The schemas refer to each other by relative $ref; those resolve to file: IRIs in schemas/, read here.
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemas(VerifyAnswerSchemaTest::localSchema));
        schema = registry.getSchema(SchemaLocation.of(SCHEMAS.resolve("verify.schema.json").toUri().toString()));
        quotes = SimulatedQuotes.defaultPlatform(4);
        server = TdxServer.start(ServerConfig.defaults(new ServerConfig.CollateralMode.Simulated(
                SimSettings.DEFAULT_SEED)));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

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

    private static JsonNode valid(String query, String contentType, byte[] body) {
        JsonNode answer = Http.json(Http.post(server.baseUri() + "/verify" + query, contentType, body));
        List<String> errors = schema.validate(answer).stream().map(Error::toString).toList();
        assertThat(errors).as(answer.toPrettyString()).isEmpty();
        return answer;
    }

    @Test
    @DisplayName("A verified quote, with the token and with ?token=false&fields=true: the common shapes (teeType as "
            + "0x and 8 hex digits, quoteFields, policy accepted/evaluated/document, qveCollateralExpired)")
    void verified() {
        JsonNode a = valid("", "application/octet-stream", quotes.quote(1));
        assertThat(a.get("verified").booleanValue()).isTrue();
        assertThat(a.at("/quoteFields/teeType").textValue()).isEqualTo("0x00000081");
        assertThat(a.at("/quoteFields/fmspc").textValue()).isEqualTo("7d4500000000");
        assertThat(a.get("qveCollateralExpired").booleanValue()).isFalse();
        assertThat(a.at("/policy/accepted").booleanValue()).isTrue();
        assertThat(a.at("/policy/evaluated").booleanValue()).isTrue();
        assertThat(a.at("/policy/document").isObject()).isTrue();
        assertThat(a.has("quote")).as("the drifted name of the old server renderer").isFalse();
        JsonNode b = valid("?token=false&fields=true", "application/octet-stream", quotes.quote(2));
        assertThat(b.get("token").isNull()).isTrue();
        assertThat(b.get("fields").isObject()).isTrue();
    }

    @Test
    @DisplayName("A refused quote (a flipped signature byte): verified false, error and detail, quoteFields kept, "
            + "policy not evaluated")
    void refused() {
        byte[] q = quotes.quote(3);
        q[q.length - 100] ^= 1;
        JsonNode a = valid("", "application/octet-stream", q);
        assertThat(a.get("verified").booleanValue()).isFalse();
        assertThat(a.get("error").textValue()).matches("[A-Z_]+");
        assertThat(a.at("/policy/evaluated").booleanValue()).isFalse();
        assertThat(a.at("/ear/status").textValue()).isEqualTo("contraindicated");
    }

    @Test
    @DisplayName("A broken policy (another MRTD): each violation with rule, expected, actual and detail")
    void policyBroken() {
        ObjectNode body = Http.JSON.createObjectNode();
        body.put("quote", HexFormat.of().formatHex(quotes.quote(4)));
        body.putObject("policy").put("mrTd", "ab".repeat(48));
        JsonNode a = valid("", "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(a.at("/policy/accepted").booleanValue()).isFalse();
        JsonNode v = a.at("/policy/violations/0");
        assertThat(v.get("rule").textValue()).isEqualTo("MRTD_MISMATCH");
        assertThat(v.get("expected").textValue()).isEqualTo("ab".repeat(48));
        assertThat(v.get("actual").textValue()).hasSize(96);
    }

    @Test
    @DisplayName("An SGX quote with its collateral in the request: quoteFields with MRENCLAVE and MRSIGNER, no TD fields")
    void sgxQuote() throws Exception {
        ObjectNode body = Http.JSON.createObjectNode();
        body.put("quote", HexFormat.of().formatHex(Vectors.bytes("dcap-qvl/sgx_quote")));
        body.set("collateral", Http.JSON.readTree(Vectors.bytes("dcap-qvl/sgx_quote_collateral.json")));
        JsonNode a = valid("", "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(a.at("/quoteFields/teeType").textValue()).isEqualTo("0x00000000");
        assertThat(a.at("/quoteFields/mrTd").isNull()).isTrue();
        assertThat(a.at("/quoteFields/mrEnclave").textValue()).hasSize(64);
    }
}
