package io.github.tdx4j.attest.collateral;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Reads raw responses of Intel's PCS (or a PCCS): the TCB info and QE identity bodies, whose signature covers the
 * exact bytes of the inner object as served, and the URL-encoded issuer-chain headers.
 *
 * <p>Intel PCS API v4: {@code GET /tdx/certification/v4/tcb} answers {@code {"tcbInfo":{…},"signature":"<hex>"}}
 * with header {@code TCB-Info-Issuer-Chain}; {@code GET /tdx/certification/v4/qe/identity} answers
 * {@code {"enclaveIdentity":{…},"signature":"<hex>"}} with header {@code SGX-Enclave-Identity-Issuer-Chain};
 * {@code GET /sgx/certification/v4/pckcrl} answers a DER CRL with header {@code SGX-PCK-CRL-Issuer-Chain}.
 */
public final class PcsResponses {
    /** Response header of the TCB info request. */
    public static final String TCB_INFO_ISSUER_CHAIN = "TCB-Info-Issuer-Chain";
    /** Response header of the QE identity request. */
    public static final String QE_IDENTITY_ISSUER_CHAIN = "SGX-Enclave-Identity-Issuer-Chain";
    /** Response header of the PCK CRL request. */
    public static final String PCK_CRL_ISSUER_CHAIN = "SGX-PCK-CRL-Issuer-Chain";

    private PcsResponses() {
    }

    /**
     * A signed JSON document cut out of a PCS response body.
     *
     * @param text      the exact text of the signed inner object
     * @param signature the 64-byte r‖s signature
     */
    public record SignedJson(String text, byte[] signature) {
        public SignedJson {
            signature = signature.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SignedJson s && text.equals(s.text) && Arrays.equals(signature, s.signature);
        }

        @Override
        public int hashCode() {
            return 31 * text.hashCode() + Arrays.hashCode(signature);
        }

        @Override
        public String toString() {
            return "SignedJson[" + text.length() + " chars, signature " + HexFormat.of().formatHex(signature) + "]";
        }
    }

    /** The {@code tcbInfo} object and signature of a TCB info response body. */
    public static SignedJson tcbInfo(byte[] body) {
        return signed(body, "tcbInfo");
    }

    /** The {@code enclaveIdentity} object and signature of a QE identity response body. */
    public static SignedJson qeIdentity(byte[] body) {
        return signed(body, "enclaveIdentity");
    }

    /**
     * Collateral assembled from raw PCS responses, e.g. saved with {@code curl -D}: the TCB info and QE identity
     * bodies, the PCK CRL and root CA CRL (DER, or hex text as some PCCS versions send), and the three issuer-chain
     * header values (URL-encoded as sent, or already decoded PEM).
     *
     * @throws CollateralException with reason MALFORMED if a body is not what its endpoint returns
     */
    public static Collateral collateral(byte[] tcbInfoBody, String tcbInfoIssuerChain, byte[] qeIdentityBody,
                                        String qeIdentityIssuerChain, byte[] pckCrl, String pckCrlIssuerChain,
                                        byte[] rootCaCrl) {
        SignedJson tcb = tcbInfo(tcbInfoBody);
        SignedJson qe = qeIdentity(qeIdentityBody);
        return new Collateral(pem(pckCrlIssuerChain), PcsClient.der(rootCaCrl), PcsClient.der(pckCrl),
                pem(tcbInfoIssuerChain), tcb.text(), tcb.signature(), pem(qeIdentityIssuerChain), qe.text(),
                qe.signature());
    }

    /** URL-encoded PEM always has {@code %0A} line breaks; plain PEM never has '%' (and must not be URL-decoded: '+'). */
    private static String pem(String headerOrPem) {
        return headerOrPem.indexOf('%') >= 0 ? issuerChain(headerOrPem) : headerOrPem;
    }

    /** A PEM chain from an issuer-chain header value (URL-encoded, as PCS sends it). */
    public static String issuerChain(String headerValue) {
        return URLDecoder.decode(headerValue, StandardCharsets.UTF_8);
    }

    /**
     * Cuts the value of top-level field {@code objectName} out of {@code body} byte for byte, using the parser's
     * byte offsets: the signature covers these exact bytes, so the object is never re-serialized.
     */
    private static SignedJson signed(byte[] body, String objectName) {
        String document = "PCS response (" + objectName + ")";
        int start = -1;
        int end = -1;
        String signatureHex = null;
        try (JsonParser p = JsonFields.MAPPER.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw CollateralException.malformed(document + ": not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals(objectName) && value == JsonToken.START_OBJECT) {
                    start = Math.toIntExact(p.currentTokenLocation().getByteOffset());
                    p.skipChildren();
                    end = Math.toIntExact(p.currentLocation().getByteOffset());
                } else if (name.equals("signature") && value == JsonToken.VALUE_STRING) {
                    signatureHex = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw CollateralException.malformed(document + ": not valid JSON: " + JsonFields.syntaxError(e), e);
        }
        if (start < 0) {
            throw CollateralException.malformed(document + ": no '" + objectName + "' object");
        }
        if (signatureHex == null) {
            throw CollateralException.malformed(document + ": no 'signature' string");
        }
        byte[] signature;
        try {
            signature = HexFormat.of().parseHex(signatureHex);
        } catch (IllegalArgumentException e) {
            throw CollateralException.malformed(document + ": signature is not hex", e);
        }
        if (signature.length != 64) {
            throw CollateralException.malformed(document + ": signature must be 64 bytes, is " + signature.length);
        }
        return new SignedJson(new String(body, start, end - start, StandardCharsets.UTF_8), signature);
    }
}
