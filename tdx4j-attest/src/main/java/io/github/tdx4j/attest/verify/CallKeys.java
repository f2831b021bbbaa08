package io.github.tdx4j.attest.verify;

import java.security.PublicKey;
import java.util.HashMap;
import java.util.Map;

/**
 * The P-256 keys decoded during one verification, by coordinates, and the certificate chains parsed during it, by
 * text: a key met twice in one call (the TCB signing key of the TCB info and of the QE identity, the PCK CA key of
 * the PCK CRL and of the PCK certificate) is decoded once, so BouncyCastle's precomputation on it serves both
 * signatures, and the TCB info and QE identity issuer chains, the same text from PCS, are parsed once. Every
 * signature is still checked. Lives for one call of {@link QuoteVerifier#verify}; not thread-safe.
 */
final class CallKeys {
    final P256 p256;
    private final Map<KeyBytes, P256.Key> keys = new HashMap<>(8);
    private final Map<String, java.util.List<java.security.cert.X509Certificate>> chains = new HashMap<>(4);

    CallKeys(P256 p256) {
        this.p256 = p256;
    }

    /** {@link P256#key(PublicKey)}, once per distinct key in this call. */
    P256.Key key(PublicKey publicKey) {
        byte[] xy = P256.coordinates(publicKey);
        KeyBytes c = new KeyBytes(xy);
        P256.Key k = keys.get(c);
        if (k == null) {
            k = p256.key(xy);
            keys.put(c, k);
        }
        return k;
    }

    /** {@link X509#chain(String, ErrorCode, String)}, once per distinct chain text in this call. */
    java.util.List<java.security.cert.X509Certificate> chain(String pem, ErrorCode code, String what)
            throws Refusal {
        var parsed = chains.get(pem);
        if (parsed == null) {
            parsed = X509.chain(pem, code, what);
            chains.put(pem, parsed);
        }
        return parsed;
    }
}
