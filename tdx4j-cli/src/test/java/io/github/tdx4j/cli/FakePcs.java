package io.github.tdx4j.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.tdx4j.attest.collateral.Collateral;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP server answering the Intel PCS API v4 routes a TDX or SGX quote's collateral needs, from one
 * {@link Collateral}, the way Intel's PCS does: the TCB info and QE identity response bodies
 * ({@code {"tcbInfo":…,"signature":…}}), DER CRLs, and the issuer chains URL-encoded in the response headers
 * {@code TCB-Info-Issuer-Chain}, {@code SGX-Enclave-Identity-Issuer-Chain} and {@code SGX-PCK-CRL-Issuer-Chain}.
 * The root CA CRL is served as a PCCS serves it, hex text at {@code /sgx/certification/v4/rootcacrl}.
 * A route's answer can be replaced to produce the errors a real service gives.
 */
final class FakePcs implements AutoCloseable {
    /** An answer to one request. */
    interface Answer {
        void send(HttpExchange ex) throws IOException;
    }

    private final HttpServer server;
    private final Map<String, Answer> overrides = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();

    FakePcs(Collateral c) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2));
        HexFormat hex = HexFormat.of();
        byte[] tcb = ("{\"tcbInfo\":" + c.tcbInfo() + ",\"signature\":\"" + hex.formatHex(c.tcbInfoSignature()) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] qe = ("{\"enclaveIdentity\":" + c.qeIdentity() + ",\"signature\":\""
                + hex.formatHex(c.qeIdentitySignature()) + "\"}").getBytes(StandardCharsets.UTF_8);
        for (String tee : List.of("tdx", "sgx")) {
            route("/" + tee + "/certification/v4/tcb", ok(tcb, "TCB-Info-Issuer-Chain", c.tcbInfoIssuerChain()));
            route("/" + tee + "/certification/v4/qe/identity",
                    ok(qe, "SGX-Enclave-Identity-Issuer-Chain", c.qeIdentityIssuerChain()));
        }
        route("/sgx/certification/v4/pckcrl", ok(c.pckCrl(), "SGX-PCK-CRL-Issuer-Chain", c.pckCrlIssuerChain()));
        route("/sgx/certification/v4/rootcacrl",
                ok(hex.formatHex(c.rootCaCrl()).getBytes(StandardCharsets.US_ASCII), null, null));
        server.start();
    }

    private void route(String path, Answer normal) {
        server.createContext(path, ex -> {
            requests.add(ex.getRequestURI().toString());
            try (ex) {
                overrides.getOrDefault(path, normal).send(ex);
            }
        });
    }

    /** The normal answer: 200, {@code body}, and the issuer chain URL-encoded in {@code header}. */
    static Answer ok(byte[] body, String header, String chain) {
        return ex -> {
            if (header != null) {
                ex.getResponseHeaders().add(header, URLEncoder.encode(chain, StandardCharsets.UTF_8));
            }
            ex.getResponseHeaders().add("Request-ID", "fake-pcs-1");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        };
    }

    /** An error status with optional extra headers (name, value, name, value, …) and no body. */
    static Answer status(int code, String... headers) {
        return ex -> {
            for (int i = 0; i + 1 < headers.length; i += 2) {
                ex.getResponseHeaders().add(headers[i], headers[i + 1]);
            }
            ex.getResponseHeaders().add("Request-ID", "fake-pcs-2");
            ex.sendResponseHeaders(code, -1);
        };
    }

    /** Replaces the answer of {@code path} (e.g. {@code /tdx/certification/v4/tcb}). */
    void answer(String path, Answer a) {
        overrides.put(path, a);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
