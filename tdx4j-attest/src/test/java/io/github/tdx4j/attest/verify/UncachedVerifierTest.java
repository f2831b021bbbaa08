package io.github.tdx4j.attest.verify;

import static io.github.tdx4j.attest.verify.Vectors.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.Collateral;
import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.format.Quote;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link QuoteVerifier.Builder#caching(boolean)}: with caching off every call does all the work (the 15 signature
 * checks of {@link QuoteVerifier#UNCACHED_SIGNATURE_CHECKS}); with it on or off, a broken quote or collateral
 * verified right after a good one fails on its own merits, and the good one still verifies afterwards.
 */
@Timeout(30)
class UncachedVerifierTest {
    private static final byte[] QUOTE = Vectors.quote(DCAP_TDX);
    private static final Collateral COLLATERAL = Vectors.collateral(DCAP_TDX_COLLATERAL);

    /** A change of one quote or collateral byte and the failure it must give. */
    private record Tamper(String name, Function<byte[], byte[]> quote, Function<Collateral, Collateral> collateral,
                          ErrorCode expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> modesAndTampers() {
        Tamper[] tampers = {
                new Tamper("a REPORTDATA byte (quote signature)", q -> flip(q, reportDataOffset()),
                        c -> c, ErrorCode.INVALID_QUOTE_SIGNATURE),
                new Tamper("a QE report byte (QE report signature)", q -> flip(q, qeReportOffset() + 16),
                        c -> c, ErrorCode.INVALID_QE_REPORT_SIGNATURE),
                new Tamper("the PCK certificate's signature (PCK chain)", UncachedVerifierTest::breakLeafSignature,
                        c -> c, ErrorCode.PCK_CHAIN_INVALID),
                new Tamper("the TCB info text (TCB info signature)", q -> q,
                        c -> c.withTcbInfo(c.tcbInfo().replace("\"tcbEvaluationDataNumber\":17",
                                "\"tcbEvaluationDataNumber\":18"), c.tcbInfoSignature()),
                        ErrorCode.TCB_INFO_SIGNATURE_INVALID),
        };
        return Stream.of(true, false).flatMap(caching -> Stream.of(tampers).map(t -> Arguments.of(caching, t)));
    }

    @ParameterizedTest(name = "caching {0}: {1}")
    @MethodSource("modesAndTampers")
    @DisplayName("A broken quote or collateral verified right after the good one fails on its own merits, and the good one verifies again after it")
    void brokenAfterGoodFailsOnItsOwnMerits(boolean caching, Tamper tamper) {
        QuoteVerifier verifier = QuoteVerifier.builder().caching(caching).build();
        assertVerified(verifier.verify(QUOTE, COLLATERAL, AT_2025_07_01));

        byte[] quote = tamper.quote().apply(QUOTE.clone());
        Collateral collateral = tamper.collateral().apply(COLLATERAL);
        assertThat(quote != QUOTE && (!java.util.Arrays.equals(quote, QUOTE) || !collateral.equals(COLLATERAL)))
                .as("the tamper changed something").isTrue();
        VerificationResult broken = verifier.verify(quote, collateral, AT_2025_07_01);
        assertThat(broken).isInstanceOfSatisfying(VerificationResult.Failed.class,
                f -> assertThat(f.code()).isEqualTo(tamper.expected()));

        assertVerified(verifier.verify(QUOTE, COLLATERAL, AT_2025_07_01));
    }

    static Stream<Arguments> goodVectors() {
        return Stream.of(
                Arguments.of(DCAP_TDX, DCAP_TDX_COLLATERAL, AT_2025_07_01),
                Arguments.of("dcap-qvl/sgx_quote", "dcap-qvl/sgx_quote_collateral.json", AT_2025_07_01),
                Arguments.of(GO_V5, GO_V5_HYBRID, AT_2026_02_25));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodVectors")
    @DisplayName("Uncached: every call checks all 15 signatures (CRLs, three collateral chains, TCB info, QE identity, PCK chain, QE report, quote)")
    void everyUncachedCallChecksEverySignature(String quotePath, String collateralPath, Instant at) {
        byte[] quote = Vectors.quote(quotePath);
        Collateral collateral = Vectors.collateral(collateralPath);
        QuoteVerifier verifier = QuoteVerifier.builder().caching(false).build();
        for (int call = 1; call <= 3; call++) {
            long before = verifier.signatureChecks();
            assertThat(verifier.verify(quote, collateral, at)).isInstanceOf(VerificationResult.Verified.class);
            // 1 root CA CRL + 3 TCB info (root copy, signing cert, text) + 3 QE identity (same) + 3 PCK CRL (root
            // copy, PCK CA, CRL) + 3 PCK chain (root copy, PCK CA, leaf) + QE report + quote.
            assertThat(verifier.signatureChecks() - before).as("signature checks in call " + call).isEqualTo(15);
        }
        assertThat(QuoteVerifier.UNCACHED_SIGNATURE_CHECKS).isEqualTo(15);
    }

    @Test
    @DisplayName("Cached: a second quote of the same platform checks only its own quote signature")
    void cachedSecondCallChecksOnlyTheQuoteSignature() {
        QuoteVerifier verifier = QuoteVerifier.builder().build();
        long before = verifier.signatureChecks();
        assertVerified(verifier.verify(QUOTE, COLLATERAL, AT_2025_07_01));
        assertThat(verifier.signatureChecks() - before).as("first call").isEqualTo(15);
        before = verifier.signatureChecks();
        assertVerified(verifier.verify(QUOTE, COLLATERAL, AT_2025_07_01));
        assertThat(verifier.signatureChecks() - before).as("second call").isEqualTo(1);
    }

    private static void assertVerified(VerificationResult r) {
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Verified.class,
                v -> assertThat(v.status()).isEqualTo(TcbStatus.UP_TO_DATE));
    }

    private static byte[] flip(byte[] b, int offset) {
        b[offset] ^= 0x01;
        return b;
    }

    /** REPORTDATA: the last 64 bytes of the v4 TD quote body (header 48 bytes, body 584). */
    private static int reportDataOffset() {
        return 48 + 584 - 64;
    }

    /**
     * The QE report in the signature data: signed region ‖ signature_data_len (4) ‖ signature (64) ‖ attestation key
     * (64) ‖ certification data type (2) ‖ size (4) ‖ QE report.
     */
    private static int qeReportOffset() {
        try {
            return Quote.decode(QUOTE).signedLength() + 4 + 64 + 64 + 2 + 4;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Changes one base64 character near the end of the first PEM certificate of the quote's chain (the PCK
     * certificate), inside its signature value, keeping the PEM well-formed.
     */
    private static byte[] breakLeafSignature(byte[] q) {
        byte[] end = "-----END CERTIFICATE-----".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(q, end);
        assertThat(at).as("the quote holds a PEM chain").isPositive();
        int i = at - 8;
        while (!Character.isLetter(q[i])) {
            i--;
        }
        q[i] = (byte) (q[i] == 'A' ? 'B' : 'A');
        return q;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
