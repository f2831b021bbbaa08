package io.github.tdx4j.ratls;

import io.github.tdx4j.attest.format.TdQuoteBody;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A peer whose RA-TLS certificate was accepted: its evidence, bound to its key, verified and within policy.
 *
 * @param certificate the peer's certificate
 * @param evidence    the evidence and the profile it was read in
 * @param verified    the DCAP verification result (TCB status, the decoded quote)
 * @param acceptedAt  when it was accepted (the trust manager's clock)
 */
public record AttestedPeer(X509Certificate certificate, BoundEvidence evidence, VerificationResult.Verified verified,
                           Instant acceptedAt) {
    public AttestedPeer {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(verified, "verified");
        Objects.requireNonNull(acceptedAt, "acceptedAt");
    }

    /** The TD quote body; empty when the peer is an SGX enclave (legacy profiles). */
    public java.util.Optional<TdQuoteBody> tdBody() {
        return verified.tdQuote().map(q -> q.body());
    }

    /** The identity as {@code name: value} lines, for people. */
    public List<String> describe() {
        HexFormat hex = HexFormat.of();
        List<String> out = new ArrayList<>();
        out.add("profile: " + evidence.profile());
        out.add("certificate: " + certificate.getSubjectX500Principal().getName() + ", valid "
                + certificate.getNotBefore().toInstant() + " .. " + certificate.getNotAfter().toInstant());
        out.add("tcb status: " + verified.status().jsonName() + (verified.advisoryIds().isEmpty() ? ""
                : " " + verified.advisoryIds()));
        out.add("fmspc: " + verified.fmspc());
        tdBody().ifPresent(b -> {
            out.add("td attributes: " + b.tdAttributes());
            out.add("mrtd: " + b.mrTd().hex());
            for (int i = 0; i < 4; i++) {
                out.add("rtmr" + i + ": " + b.rtmr(i).hex());
            }
            out.add("mrconfigid: " + b.mrConfigId().hex());
            out.add("mrowner: " + b.mrOwner().hex());
        });
        evidence.nonce().ifPresent(n -> out.add("nonce: " + hex.formatHex(n)));
        return List.copyOf(out);
    }
}
