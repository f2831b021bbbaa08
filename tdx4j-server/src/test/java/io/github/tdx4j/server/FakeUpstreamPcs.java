package io.github.tdx4j.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.tdx4j.attest.collateral.Collateral;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An upstream PCCS on loopback (the JDK's HTTP server) for LAZY mode: the TDX routes from one collateral, the SGX
 * routes from another, the PCK CRL of the platform CA from the TDX one and of the processor CA from the SGX one (as
 * in the dcap-qvl vectors), and the root CA CRL as hex text. Bodies and headers as Intel's PCS sends them. Any route
 * can be given another body or an error status; every request is recorded.
 */
final class FakeUpstreamPcs implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
    private final Map<String, String> chains = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();

    FakeUpstreamPcs(Collateral tdx, Collateral sgx) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2));
        tcbInfo("tdx", tdx.tcbInfo(), tdx.tcbInfoSignature(), tdx.tcbInfoIssuerChain());
        tcbInfo("sgx", sgx.tcbInfo(), sgx.tcbInfoSignature(), sgx.tcbInfoIssuerChain());
        qeIdentity("tdx", tdx.qeIdentity(), tdx.qeIdentitySignature(), tdx.qeIdentityIssuerChain());
        qeIdentity("sgx", sgx.qeIdentity(), sgx.qeIdentitySignature(), sgx.qeIdentityIssuerChain());
        put("/sgx/certification/v4/pckcrl?ca=platform", tdx.pckCrl(), tdx.pckCrlIssuerChain());
        put("/sgx/certification/v4/pckcrl?ca=processor", sgx.pckCrl(), sgx.pckCrlIssuerChain());
        put("/sgx/certification/v4/rootcacrl",
                HexFormat.of().formatHex(tdx.rootCaCrl()).getBytes(StandardCharsets.US_ASCII), null);
        server.createContext("/", this::answer);
        server.start();
    }

    /** The base URI, as {@code --pccs} takes it. */
    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Serves {@code text} (signed by {@code signature}) as the TCB info of {@code tee} for every FMSPC. */
    void tcbInfo(String tee, String text, byte[] signature, String chain) {
        put("/" + tee + "/certification/v4/tcb", signed("tcbInfo", text, signature), chain);
    }

    void qeIdentity(String tee, String text, byte[] signature, String chain) {
        put("/" + tee + "/certification/v4/qe/identity", signed("enclaveIdentity", text, signature), chain);
    }

    /** Answers {@code route} (a path, or for the PCK CRL path and ca query) with {@code status} until told otherwise. */
    void fail(String route, int status) {
        failures.put(route, status);
    }

    void heal(String route) {
        failures.remove(route);
    }

    /** How many requests went to {@code path} (without the query). */
    long count(String path) {
        return requests.stream().filter(r -> r.equals(path) || r.startsWith(path + "?")).count();
    }

    private static byte[] signed(String member, String text, byte[] signature) {
        return ("{\"" + member + "\":" + text + ",\"signature\":\"" + HexFormat.of().formatHex(signature) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private void put(String route, byte[] body, String chain) {
        bodies.put(route, body);
        if (chain != null) {
            chains.put(route, chain);
        }
    }

    private void answer(HttpExchange ex) throws IOException {
        try (ex) {
            URI uri = ex.getRequestURI();
            requests.add(uri.toString());
            String route = uri.getPath();
            if (route.endsWith("/pckcrl")) {
                String query = uri.getQuery() == null ? "" : uri.getQuery();
                route += query.contains("ca=processor") ? "?ca=processor" : "?ca=platform";
            }
            ex.getResponseHeaders().add("Request-ID", "fake-upstream");
            Integer failure = failures.get(route);
            byte[] body = bodies.get(route);
            if (failure != null || body == null) {
                ex.sendResponseHeaders(failure != null ? failure : 404, -1);
                return;
            }
            String chain = chains.get(route);
            if (chain != null) {
                String header = route.contains("/tcb") ? "TCB-Info-Issuer-Chain"
                        : route.contains("/identity") ? "SGX-Enclave-Identity-Issuer-Chain" : "SGX-PCK-CRL-Issuer-Chain";
                ex.getResponseHeaders().add(header, URLEncoder.encode(chain, StandardCharsets.UTF_8)
                        .replace("+", "%20"));
            }
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
