package io.github.tdx4j.ratls;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which RA-TLS formats a relying party reads. The default, {@link #standard()}, reads only what tdx4j writes: the
 * CCC format with tag 60000 and a SHA-256 {@code pubkey-hash}. Everything else is an explicit opt-in, so that a
 * certificate is never accepted through a format its reader did not choose.
 *
 * @param profiles        the formats read, in the order {@link Profile} lists them; the first one present decides
 *                        (a present CCC extension that fails is a refusal, never a fall-back to a legacy one)
 * @param sha384And512    accept {@code pubkey-hash} algorithm ids 7 (sha-384) and 8 (sha-512) besides 1
 * @param earlyRatsTlsTag read the early rats-tls CBOR tag 0x1a7501 as 60000
 */
public record ReadOptions(Set<Profile> profiles, boolean sha384And512, boolean earlyRatsTlsTag) {
    public ReadOptions {
        Objects.requireNonNull(profiles, "profiles");
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("read at least one RA-TLS profile");
        }
        profiles = Set.copyOf(EnumSet.copyOf(profiles));
    }

    /** The CCC format, tag 60000, SHA-256 only. */
    public static ReadOptions standard() {
        return new ReadOptions(EnumSet.of(Profile.CCC), false, false);
    }

    /** Every format and alias tdx4j can read. */
    public static ReadOptions all() {
        return new ReadOptions(EnumSet.allOf(Profile.class), true, true);
    }

    /** These options, also reading {@code profile}. */
    public ReadOptions with(Profile profile) {
        Set<Profile> p = EnumSet.copyOf(profiles);
        p.add(profile);
        return new ReadOptions(p, sha384And512, earlyRatsTlsTag);
    }

    public ReadOptions withSha384And512(boolean accept) {
        return new ReadOptions(profiles, accept, earlyRatsTlsTag);
    }

    public ReadOptions withEarlyRatsTlsTag(boolean accept) {
        return new ReadOptions(profiles, sha384And512, accept);
    }
}
