package io.github.tdx4j.sim;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-384 and SHA-256 through the JDK; every JDK must provide both (java.security.MessageDigest). */
final class Sha {
    private Sha() {
    }

    static byte[] sha384(byte[]... parts) {
        return digest("SHA-384", parts);
    }

    static byte[] sha256(byte[]... parts) {
        return digest("SHA-256", parts);
    }

    private static byte[] digest(String algorithm, byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new SimulatorException("the JDK must provide " + algorithm, e);
        }
    }
}
