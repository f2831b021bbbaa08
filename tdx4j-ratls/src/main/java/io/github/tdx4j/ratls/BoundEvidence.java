package io.github.tdx4j.ratls;

import java.util.Objects;
import java.util.Optional;

/**
 * Evidence read from a certificate whose quote was checked to bind the certificate's public key.
 *
 * @param profile the format it was read in
 * @param quote   the quote bytes
 * @param claims  the CCC claims (CCC and CMW profiles)
 */
public record BoundEvidence(Profile profile, byte[] quote, Optional<Claims> claims) {
    public BoundEvidence {
        Objects.requireNonNull(profile, "profile");
        quote = quote.clone();
        Objects.requireNonNull(claims, "claims");
    }

    @Override
    public byte[] quote() {
        return quote.clone();
    }

    /** The {@code nonce} claim, if any. */
    public Optional<byte[]> nonce() {
        return claims.flatMap(Claims::nonce);
    }
}
