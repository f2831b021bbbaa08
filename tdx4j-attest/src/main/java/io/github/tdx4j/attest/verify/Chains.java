package io.github.tdx4j.attest.verify;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Certificate chain checks shared by the PCK chain, the TCB signing chain and the PCK CRL issuer chain. */
final class Chains {
    private Chains() {
    }

    /**
     * Checks that {@code chain} (leaf first) leads to {@code root}: its last certificate is the trusted root (same
     * subject and key, and its self-signature verifies), each certificate names the next as issuer and carries a valid signature by the next one's
     * key, and every issuer below the root is a CA. Dates are not checked here: they go into the expiry
     * {@link Window}, as Intel reports expiry separately.
     *
     * @return the key of the first certificate of the chain
     */
    static P256.Key verify(List<X509Certificate> given, int expectedLength, TrustedRoot root, P256.Key rootKey,
                           CallKeys keys, ErrorCode code, String what) throws Refusal {
        P256 p256 = keys.p256;
        List<X509Certificate> chain = leafFirst(given);
        if (chain.size() != expectedLength) {
            throw new Refusal(code, what + " has " + chain.size() + " certificates, expected " + expectedLength);
        }
        X509Certificate top = chain.getLast();
        if (!root.isAnchorOf(top)) {
            throw new Refusal(code, what + " ends in " + top.getSubjectX500Principal().getName()
                    + ", which is not the trusted root " + root.certificate().getSubjectX500Principal().getName());
        }
        // The chain's copy of the root must be a sound self-signed certificate under the pinned key, as Intel's QVL
        // requires (CommonVerifier::verifyRootCACert); the key alone would accept a copy with a broken signature.
        if (!X509.signedBy(p256, top, rootKey)) {
            throw new Refusal(code, what + ": the root certificate's self-signature does not verify with the"
                    + " trusted root's key");
        }
        P256.Key issuerKey = rootKey;
        for (int i = chain.size() - 2; i >= 0; i--) {
            X509Certificate cert = chain.get(i);
            X509Certificate issuer = chain.get(i + 1);
            if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                throw new Refusal(code, what + ": " + cert.getSubjectX500Principal().getName() + " is issued by "
                        + cert.getIssuerX500Principal().getName() + ", not by the next certificate "
                        + issuer.getSubjectX500Principal().getName());
            }
            if (i + 1 < chain.size() - 1 && issuer.getBasicConstraints() < 0) {
                throw new Refusal(code, what + ": issuer " + issuer.getSubjectX500Principal().getName()
                        + " is not a CA");
            }
            if (!X509.signedBy(p256, cert, issuerKey)) {
                throw new Refusal(code, what + ": the signature of " + cert.getSubjectX500Principal().getName()
                        + " does not verify with its issuer's key");
            }
            try {
                issuerKey = keys.key(cert.getPublicKey());
            } catch (IllegalArgumentException e) {
                throw new Refusal(code, what + ": " + cert.getSubjectX500Principal().getName()
                        + " has no P-256 key", e);
            }
        }
        return issuerKey;
    }

    // o != c on purpose: "another element of the list", so that a second copy of the same certificate counts as
    // another certificate and is ordered (or refused) like any other.
    /**
     * The chain ordered leaf first, each certificate followed by its issuer. PCS sends chains leaf first; Intel's
     * QVL sample data ({@code vectors/intel-qvl/*SignChain.pem}) has the root first. A set that is not one
     * chain is returned as given, and the checks above then say what is wrong with it.
     */
    @SuppressWarnings("ReferenceEquality")
    static List<X509Certificate> leafFirst(List<X509Certificate> certs) {
        List<X509Certificate> leaves = new ArrayList<>();
        for (X509Certificate c : certs) {
            boolean issuesAnother = certs.stream().anyMatch(o -> o != c
                    && o.getIssuerX500Principal().equals(c.getSubjectX500Principal()));
            if (!issuesAnother) {
                leaves.add(c);
            }
        }
        if (leaves.size() != 1) {
            return certs;
        }
        List<X509Certificate> ordered = new ArrayList<>(certs.size());
        X509Certificate current = leaves.getFirst();
        while (current != null && ordered.size() < certs.size()) {
            ordered.add(current);
            X509Certificate child = current;
            current = certs.stream().filter(o -> o != child && !ordered.contains(o)
                    && o.getSubjectX500Principal().equals(child.getIssuerX500Principal())).findFirst().orElse(null);
        }
        return ordered.size() == certs.size() ? List.copyOf(ordered) : certs;
    }
}
