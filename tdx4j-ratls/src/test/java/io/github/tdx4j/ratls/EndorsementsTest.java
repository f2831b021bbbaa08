package io.github.tdx4j.ratls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.policy.TdPolicy;
import io.github.tdx4j.ratls.RatlsRefusal.Rule;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The endorsements extension (2.23.133.5.4.2): a TD whose key manager has collateral writes it into its certificates,
 * and a relying party with no collateral of its own verifies the quote with it, still against its pinned root and
 * its own clock.
 */
class EndorsementsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static SimTd td;
    private static RatlsKeyManager endorsed;

    @BeforeAll
    static void boot() {
        td = SimTd.production();
        Collateral c = td.collateral();
        endorsed = RatlsKeyManager.builder(td.attestation()).endorsements(CollateralSource.fixed(c)).build();
    }

    @AfterAll
    static void stop() {
        endorsed.close();
    }

    /** A relying party with the simulator's root and no collateral: it depends on the peer's endorsements. */
    private static RatlsTrustManager.Builder offline() {
        return RatlsTrustManager.builder(td.verifier(), CollateralSource.none()).peerEndorsements(true);
    }

    private static byte[] extension(X509Certificate cert, String oid) {
        byte[] v = cert.getExtensionValue(oid);
        assertThat(v).as("extension " + oid).isNotNull();
        return ASN1OctetString.getInstance(v).getOctets();
    }

    private static X509Certificate[] chain(AttestedCertificate c) {
        return new X509Certificate[] {c.certificate()};
    }

    @Test
    void certificateCarriesTheCollateralAsTag60000OverEightItemsVersionInFourBytes() {
        X509Certificate cert = endorsed.currentCertificate().certificate();
        assertThat(cert.getNonCriticalExtensionOIDs()).contains(RatlsOids.TCG_DICE_ENDORSEMENT_MANIFEST);
        byte[] value = extension(cert, RatlsOids.TCG_DICE_ENDORSEMENT_MANIFEST);
        // d9 ea60 = tag 60000; 88 = array of 8; 1a 00000003 = uint 3 in the 4-byte form rats-tls requires;
        // 59/5a = the first byte string (TCB_INFO) with a 2- or 4-byte length (RFC 8949 section 3).
        assertThat(HEX.formatHex(Arrays.copyOf(value, 9))).isEqualTo("d9ea60881a00000003");
        assertThat(value[9] & 0xFF).isIn(0x59, 0x5a);
        Endorsements e = assertDecodes(value);
        assertThat(e.version()).isEqualTo(3);
        assertThat(e.collateral()).isEqualTo(td.collateral());
    }

    private static Endorsements assertDecodes(byte[] value) {
        try {
            return Endorsements.decode(value);
        } catch (EvidenceFormatException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void textItemsCarryTheCollateralStructsNulTerminatorAndPcsBodies() throws Exception {
        Collateral c = td.collateral();
        byte[] value = Endorsements.of(c).encode();
        // The TCB info item is the PCS response body with the exact signed text inside, then NUL.
        String tcbBody = "{\"tcbInfo\":" + c.tcbInfo() + ",\"signature\":\"" + HEX.formatHex(c.tcbInfoSignature())
                + "\"}\0";
        assertThat(indexOf(value, tcbBody.getBytes(StandardCharsets.UTF_8))).isPositive();
        // Readers take items with or without the NUL, and an optional ninth item (CREATION_DATETIME).
        byte[] withoutNul = Cbor.write(g -> {
            g.writeTag(CccEvidence.TAG_INTEL_QUOTE);
            g.writeStartArray(null, 9);
            g.writeNumber(3);
            g.writeBinary(("{\"tcbInfo\":" + c.tcbInfo() + ",\"signature\":\"" + HEX.formatHex(c.tcbInfoSignature())
                    + "\"}").getBytes(StandardCharsets.UTF_8));
            g.writeBinary(c.tcbInfoIssuerChain().getBytes(StandardCharsets.UTF_8));
            g.writeBinary(c.pckCrl());
            g.writeBinary(c.rootCaCrl());
            g.writeBinary(c.pckCrlIssuerChain().getBytes(StandardCharsets.UTF_8));
            g.writeBinary(("{\"enclaveIdentity\":" + c.qeIdentity() + ",\"signature\":\""
                    + HEX.formatHex(c.qeIdentitySignature()) + "\"}").getBytes(StandardCharsets.UTF_8));
            g.writeBinary(c.qeIdentityIssuerChain().getBytes(StandardCharsets.UTF_8));
            g.writeBinary("2026-01-01T00:00:00Z".getBytes(StandardCharsets.US_ASCII));
            g.writeEndArray();
        });
        assertThat(Endorsements.decode(withoutNul)).isEqualTo(Endorsements.of(c));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void malformedEndorsementsAreFormatErrors() {
        byte[] good = Endorsements.of(td.collateral()).encode();
        byte[] wrongTag = good.clone();
        wrongTag[2] = 0x61; // tag 60001
        assertThatThrownBy(() -> Endorsements.decode(wrongTag)).isInstanceOf(EvidenceFormatException.class)
                .hasMessageContaining("tag 60001");
        byte[] sevenItems = good.clone();
        sevenItems[3] = (byte) 0x87;
        assertThatThrownBy(() -> Endorsements.decode(sevenItems)).isInstanceOf(EvidenceFormatException.class);
        byte[] notCbor = {(byte) 0xd9, (byte) 0xea, 0x60, (byte) 0x88, (byte) 0xff};
        assertThatThrownBy(() -> Endorsements.decode(notCbor)).isInstanceOf(EvidenceFormatException.class);
    }

    @Test
    void offlineRelyingPartyAcceptsTheTdOverTlsWithTheEndorsementsAlone() throws Exception {
        try (LoopbackServer server = new LoopbackServer(Ratls.serverContext(endorsed))) {
            var client = Ratls.clientContext(offline().build());
            try (var s = (javax.net.ssl.SSLSocket) client.getSocketFactory().createSocket(
                    java.net.InetAddress.getLoopbackAddress(), server.port())) {
                s.setSoTimeout(10_000);
                s.startHandshake();
                assertThat(LoopbackServer.greeting(s)).isEqualTo("hello\n");
            }
        }
    }

    @Test
    void withoutEndorsementsTheOfflineRelyingPartyHasNoCollateral() throws Exception {
        try (RatlsKeyManager plain = RatlsKeyManager.builder(td.attestation()).build()) {
            assertThat(plain.currentCertificate().certificate()
                    .getExtensionValue(RatlsOids.TCG_DICE_ENDORSEMENT_MANIFEST)).isNull();
            assertThatThrownBy(() -> offline().build().verify(chain(plain.currentCertificate()), Optional.empty()))
                    .isInstanceOfSatisfying(RatlsRefusal.class,
                            r -> assertThat(r.rule()).isEqualTo(Rule.COLLATERAL_UNAVAILABLE));
        }
        // And peerEndorsements is opt-in: off, the same endorsed certificate goes to the (empty) source.
        assertThatThrownBy(() -> RatlsTrustManager.builder(td.verifier(), CollateralSource.none()).build()
                .verify(chain(endorsed.currentCertificate()), Optional.empty()))
                .isInstanceOfSatisfying(RatlsRefusal.class,
                        r -> assertThat(r.rule()).isEqualTo(Rule.COLLATERAL_UNAVAILABLE));
    }

    @Test
    void tamperedEndorsementFromAHostileCollateralSourceIsRefusedAsEndorsementsInvalid() {
        Collateral real = td.collateral();
        // The host runs the PCCS the TD asks: it edits the TCB info text and keeps Intel's signature.
        Collateral tampered = real.withTcbInfo(real.tcbInfo().replaceFirst("\\{", "{ "), real.tcbInfoSignature());
        try (RatlsKeyManager km = RatlsKeyManager.builder(td.attestation())
                .endorsements(CollateralSource.fixed(tampered)).build()) {
            assertThatThrownBy(() -> offline().build().verify(chain(km.currentCertificate()), Optional.empty()))
                    .isInstanceOfSatisfying(RatlsRefusal.class, r -> {
                        assertThat(r.rule()).isEqualTo(Rule.ENDORSEMENTS_INVALID);
                        assertThat(r.actual()).isEqualTo("TCB_INFO_SIGNATURE_INVALID");
                        assertThat(r.getMessage()).contains("ENDORSEMENTS_INVALID").contains("pinned root");
                    });
        }
    }

    @Test
    void endorsementsSignedUnderAnotherRootAreRefusedAgainstThePinnedRoot() {
        Collateral foreign = SimTd.withSeed(0x5EED_0002L).collateral();
        try (RatlsKeyManager km = RatlsKeyManager.builder(td.attestation())
                .endorsements(CollateralSource.fixed(foreign)).build()) {
            assertThatThrownBy(() -> offline().build().verify(chain(km.currentCertificate()), Optional.empty()))
                    .isInstanceOfSatisfying(RatlsRefusal.class,
                            r -> assertThat(r.rule()).isEqualTo(Rule.ENDORSEMENTS_INVALID));
        }
    }

    @Test
    void expiredEndorsementsAreRefusedAtTheRelyingPartysClockWhateverThePolicy() throws Exception {
        // Past the simulated collateral's nextUpdate (2045-01-01), on both sides' clocks.
        TestCertificates.MutableClock later = new TestCertificates.MutableClock(Instant.parse("2045-06-01T00:00:00Z"));
        try (RatlsKeyManager km = RatlsKeyManager.builder(td.attestation()).clock(later)
                .endorsements(CollateralSource.fixed(td.collateral())).build()) {
            TdPolicy lenient = TdPolicy.relyingParty().acceptExpiredCollateral(true).build();
            assertThatThrownBy(() -> offline().clock(later).policy(lenient).build()
                    .verify(chain(km.currentCertificate()), Optional.empty()))
                    .isInstanceOfSatisfying(RatlsRefusal.class, r -> {
                        assertThat(r.rule()).isEqualTo(Rule.ENDORSEMENTS_EXPIRED);
                        assertThat(r.getMessage()).contains("expired at");
                    });
            // The same collateral from the relying party's own source is the policy's call: accepted here.
            AttestedPeer own = RatlsTrustManager.builder(td.verifier(), CollateralSource.fixed(td.collateral()))
                    .clock(later).policy(lenient).build().verify(chain(km.currentCertificate()), Optional.empty());
            assertThat(own.verified().collateralExpired()).isTrue();
        }
    }

    @Test
    void malformedEndorsementsExtensionIsRefusedWithItsRule() throws Exception {
        AttestedCertificate real = endorsed.currentCertificate();
        KeyPair keys = new KeyPair(real.certificate().getPublicKey(), real.privateKey());
        X509Certificate cert = TestCertificates.selfSigned(keys, RatlsOids.TCG_DICE_CMW,
                extension(real.certificate(), RatlsOids.TCG_DICE_CMW), Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(600), RatlsOids.TCG_DICE_ENDORSEMENT_MANIFEST, new byte[] {0x01, 0x02});
        assertThatThrownBy(() -> offline().build().verify(new X509Certificate[] {cert}, Optional.empty()))
                .isInstanceOfSatisfying(RatlsRefusal.class,
                        r -> assertThat(r.rule()).isEqualTo(Rule.ENDORSEMENTS_MALFORMED));
    }

    @Test
    void failingCollateralSourceStillIssuesTheCertificateAndCountsIt() {
        try (RatlsKeyManager km = RatlsKeyManager.builder(td.attestation()).endorsements(q -> {
            throw new IllegalStateException("PCCS unreachable");
        }).build()) {
            assertThat(km.currentCertificate().certificate()
                    .getExtensionValue(RatlsOids.TCG_DICE_ENDORSEMENT_MANIFEST)).isNull();
            assertThat(km.endorsementFailures()).isEqualTo(1);
        }
    }
}
