package io.github.tdx4j.attest.verify;

import static io.github.tdx4j.attest.verify.Vectors.AT_2025_07_01;
import static io.github.tdx4j.attest.verify.Vectors.DCAP_TDX;
import static io.github.tdx4j.attest.verify.Vectors.DCAP_TDX_COLLATERAL;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.attest.collateral.Collateral;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link QuoteVerifier#failureWithoutCollateral}: the verdict a service gives a quote whose PCK certificate it cannot
 * read (so it cannot choose collateral) is the one {@link QuoteVerifier#verify} gives with any collateral. Before it,
 * {@code tdx4j serve} answered every such quote with MALFORMED_QUOTE "the quote carries no readable PCK certificate
 * chain", where {@code tdx4j verify} said what was wrong, and with another code for an unsupported quote.
 */
class FailureWithoutCollateralTest {
    private static final Collateral COLLATERAL = Vectors.collateral(DCAP_TDX_COLLATERAL);
    /** The QE vendor id's place in a quote header: version, key type, TEE type and 4 reserved bytes come first. */
    private static final int QE_VENDOR_ID_AT = 2 + 2 + 4 + 4;

    /** The verdict without collateral, which must be present and equal verify's with the vector's collateral. */
    private static VerificationResult.Failed sameAsVerify(byte[] quote) {
        Optional<VerificationResult.Failed> early = QuoteVerifier.failureWithoutCollateral(quote);
        assertThat(early).as("a verdict without collateral").isPresent();
        VerificationResult full = QuoteVerifier.create().verify(quote, COLLATERAL, AT_2025_07_01);
        assertThat(full).isInstanceOf(VerificationResult.Failed.class);
        VerificationResult.Failed f = (VerificationResult.Failed) full;
        assertThat(early.get().code()).as("code").isEqualTo(f.code());
        assertThat(early.get().detail()).as("detail").isEqualTo(f.detail());
        return early.get();
    }

    @Test
    @DisplayName("One byte: MALFORMED_QUOTE naming the 48-byte header")
    void truncated() {
        VerificationResult.Failed f = sameAsVerify(new byte[] {4});
        assertThat(f.code()).isEqualTo(ErrorCode.MALFORMED_QUOTE);
        // The code stands beside the detail; the detail does not repeat it ("MALFORMED_QUOTE: header ...").
        assertThat(f.detail()).isEqualTo("header at offset 0: needs 48 bytes, only 1 remain");
    }

    @Test
    @DisplayName("Another QE vendor: UNSUPPORTED_QUOTE 'QE vendor id ... is not Intel's', not MALFORMED_QUOTE")
    void otherQeVendor() {
        byte[] q = Vectors.quote(DCAP_TDX);
        q[QE_VENDOR_ID_AT] ^= 0x01;
        VerificationResult.Failed f = sameAsVerify(q);
        assertThat(f.code()).isEqualTo(ErrorCode.UNSUPPORTED_QUOTE);
        assertThat(f.detail()).isEqualTo("QE vendor id 929a7233f79c4ca9940a0db3957f0607 is not Intel's");
    }

    @Test
    @DisplayName("A PCK chain whose first certificate's base64 is broken: PCK_CHAIN_INVALID 'cannot be parsed'")
    void unparsableChain() {
        byte[] q = Vectors.quote(DCAP_TDX);
        int pem = indexOf(q, "-----BEGIN CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(pem).as("the quote carries a PEM chain").isPositive();
        Arrays.fill(q, pem + 28, pem + 28 + 40, (byte) '*');
        VerificationResult.Failed f = sameAsVerify(q);
        assertThat(f.code()).isEqualTo(ErrorCode.PCK_CHAIN_INVALID);
        assertThat(f.detail()).startsWith("the PCK certificate chain cannot be parsed");
    }

    @Test
    @DisplayName("An intact quote needs its collateral for a verdict: empty")
    void intactQuote() {
        assertThat(QuoteVerifier.failureWithoutCollateral(Vectors.quote(DCAP_TDX))).isEmpty();
        assertThat(QuoteVerifier.failureWithoutCollateral(Vectors.quote("dcap-qvl/sgx_quote"))).isEmpty();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
