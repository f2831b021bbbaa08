package io.github.tdx4j.attest.collateral;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;

/**
 * One GET of {@link PcsClient} to PCS or a PCCS: the request with its timeout, the body read up to a bound, and each
 * way it can fail (no answer, no connection, a broken response, an HTTP error status, an oversized body, a missing or
 * malformed issuer-chain header) as a {@link CollateralException} whose message names the URI and the cause.
 * Nothing is retried or cached here.
 */
final class PcsGet {
    private final HttpClient http;
    private final Duration timeout;

    PcsGet(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    /**
     * The largest response body read. Intel's PCS answers are kilobytes (a TCB info about 20 KB, the processor PCK
     * CRL under 1 MB); a server sending more is not a PCS, and its body is not read into memory further.
     */
    static final int MAX_RESPONSE_SIZE = 4 * 1024 * 1024;

    PcsClient.Item fetch(URI uri, String chainHeader) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        HttpResponse<InputStream> response;
        byte[] body;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_RESPONSE_SIZE + 1);
            }
        } catch (HttpTimeoutException e) {
            throw new CollateralException(CollateralException.Reason.UNAVAILABLE,
                    "GET " + uri + " got no answer within " + timeout.toSeconds() + " s", e);
        } catch (ConnectException e) {
            throw new CollateralException(CollateralException.Reason.UNAVAILABLE,
                    "GET " + uri + " could not connect (" + (e.getMessage() == null || e.getMessage().isBlank()
                            ? "connection refused" : e.getMessage()) + ")", e);
        } catch (IOException e) {
            throw new CollateralException(CollateralException.Reason.UNAVAILABLE,
                    "GET " + uri + " failed before the whole response arrived (" + describe(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollateralException(CollateralException.Reason.UNAVAILABLE, "GET " + uri + " interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new CollateralException(CollateralException.Reason.UNAVAILABLE,
                    "GET " + uri + " answered HTTP " + response.statusCode() + statusMeaning(response)
                            + response.headers().firstValue("Request-ID").map(id -> " (Request-ID " + id + ")")
                                    .orElse(""));
        }
        if (body.length > MAX_RESPONSE_SIZE) {
            throw CollateralException.malformed("GET " + uri + ": the response body exceeds " + MAX_RESPONSE_SIZE
                    + " bytes, far more than any PCS item");
        }
        String chain = "";
        if (chainHeader != null) {
            chain = PcsResponses.issuerChain(response.headers().firstValue(chainHeader).orElseThrow(
                    () -> CollateralException.malformed("GET " + uri + ": the response has no " + chainHeader
                            + " header")));
            checkChain(chain, chainHeader, uri);
        }
        return new PcsClient.Item(body, chain);
    }

    /** What an error status of PCS or a PCCS means to the caller (Intel PCS API v4 and PCCS status codes). */
    private static String statusMeaning(HttpResponse<?> response) {
        int code = response.statusCode();
        if (code == 404) {
            return " Not Found: the service has no such item (for TCB info: no platform of this FMSPC)";
        }
        if (code == 429) {
            return " Too Many Requests: retry after " + response.headers().firstValue("Retry-After")
                    .map(s -> s.strip() + (s.strip().matches("\\d+") ? " seconds" : "")).orElse("a while")
                    + " (Retry-After)";
        }
        if (code >= 500 && code <= 599) {
            return ": the service failed; try again later";
        }
        return "";
    }

    /**
     * An issuer-chain header must hold at least one PEM certificate; which certificates, and whether they sign
     * the item, is the verifier's job. Checked here so that a wrong header is named as such, before caching.
     */
    private static void checkChain(String pem, String header, URI uri) {
        int count;
        try {
            count = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).size();
        } catch (CertificateException e) {
            count = 0;
        }
        if (count == 0 || !pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw CollateralException.malformed("GET " + uri + ": the " + header
                    + " header is not a URL-encoded PEM certificate chain");
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }
}
