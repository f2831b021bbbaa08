package io.github.tdx4j.attest.format;

import static io.github.tdx4j.attest.format.MalformedEvidenceException.Code.MALFORMED_CERTIFICATION_DATA;
import static io.github.tdx4j.attest.format.MalformedEvidenceException.Code.MALFORMED_PCK_CERTIFICATE;
import static io.github.tdx4j.attest.format.MalformedEvidenceException.Code.MALFORMED_QUOTE;
import static io.github.tdx4j.attest.format.MalformedEvidenceException.Code.UNSUPPORTED_QUOTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.github.tdx4j.attest.format.MalformedEvidenceException.Code;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed quotes give a {@link MalformedEvidenceException} naming the field and offset, never anything else. */
class MalformedQuoteTest {
    private static final byte[] V4 = TestData.bytes("trustee/tdx_quote_4.dat");
    private static final byte[] V5 = TestData.bytes("trustee/tdx_quote_5.dat");

    private static void expect(byte[] quote, Code code, String field, long offset) {
        assertThatThrownBy(() -> Quote.decode(quote)).isInstanceOfSatisfying(MalformedEvidenceException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
            assertThat(e.offset()).as(e.getMessage()).isEqualTo(offset);
        });
    }

    private static byte[] with16(byte[] quote, int offset, int value) {
        byte[] b = quote.clone();
        Le.put16(b, offset, value);
        return b;
    }

    private static byte[] with32(byte[] quote, int offset, long value) {
        byte[] b = quote.clone();
        Le.put32(b, offset, value);
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.tdx4j.attest.format.RoundTripTest#quoteFiles")
    @DisplayName("every truncation inside the quote is a typed error; truncation inside the trailing bytes only shortens them")
    void everyTruncation(String file) throws MalformedEvidenceException {
        byte[] full = RoundTripTest.quoteBytes(file);
        Quote quote = Quote.decode(full);
        int end = full.length - quote.trailingBytes().length;
        for (int len = 0; len < full.length; len++) {
            byte[] cut = Arrays.copyOf(full, len);
            if (len < end) {
                try {
                    Quote.decode(cut);
                    fail("a quote cut to %d of %d bytes decoded", len, end);
                } catch (MalformedEvidenceException e) {
                    assertThat(e.offset()).as(e.getMessage()).isBetween(-1L, (long) len);
                }
            } else {
                assertThat(Quote.decode(cut).trailingBytes()).hasSize(len - end);
            }
        }
    }

    @Test
    @DisplayName("dcap-qvl/sgx_quote (SGX quote v3) is UNSUPPORTED_QUOTE at version, offset 0")
    void sgxQuoteV3() {
        expect(TestData.bytes("dcap-qvl/sgx_quote"), UNSUPPORTED_QUOTE, "version", 0);
    }

    @Test
    @DisplayName("att_key_type 3 (ECDSA P-384) is UNSUPPORTED_QUOTE at offset 2")
    void p384Key() {
        expect(with16(V4, 2, 3), UNSUPPORTED_QUOTE, "att_key_type", 2);
    }

    @Test
    @DisplayName("tee_type 0 (SGX) is UNSUPPORTED_QUOTE, tee_type 0x42 is MALFORMED_QUOTE, both at offset 4")
    void teeType() {
        expect(with32(V4, 4, 0), UNSUPPORTED_QUOTE, "tee_type", 4);
        expect(with32(V4, 4, 0x42), MALFORMED_QUOTE, "tee_type", 4);
    }

    @Test
    @DisplayName("v5 body type 1 (SGX) is UNSUPPORTED_QUOTE, type 4 MALFORMED_QUOTE at 48; a size that does not fit the type at 50")
    void v5BodyDescriptor() {
        expect(with16(V5, 48, 1), UNSUPPORTED_QUOTE, "body_type", 48);
        expect(with16(V5, 48, 4), MALFORMED_QUOTE, "body_type", 48);
        expect(with32(V5, 50, 584), MALFORMED_QUOTE, "body_size", 50);
        expect(with32(V5, 50, 0xFFFF_FFFFL), MALFORMED_QUOTE, "body_size", 50);
    }

    @Test
    @DisplayName("a v5 quote with body type 2 carries the 584-byte TDX 1.0 body and round-trips")
    void v5WithTdx10Body() throws MalformedEvidenceException {
        Quote v4 = Quote.decode(V4);
        QuoteHeader h = v4.header();
        Quote v5 = new Quote(new QuoteHeader(5, h.attestationKeyType(), h.teeType(), h.reserved(), h.qeVendorId(),
                h.userData()), v4.body(), v4.signatureData(), new byte[0]);
        byte[] encoded = v5.encode();
        assertThat(Le.u32(encoded, 50)).isEqualTo(584);
        assertThat(encoded[48]).isEqualTo((byte) 2);
        assertThat(Quote.decode(encoded)).isEqualTo(v5);
        assertThat(v5.signedLength()).isEqualTo(54 + 584);
    }

    @Test
    @DisplayName("signature_data_len larger than the input (up to 0xFFFFFFFF) is MALFORMED_QUOTE at 636, without allocating it")
    void signatureDataLenTooLarge() {
        expect(with32(V4, 632, 4301), MALFORMED_QUOTE, "signature_data", 636);
        expect(with32(V4, 632, 0xFFFF_FFFFL), MALFORMED_QUOTE, "signature_data", 636);
    }

    @Test
    @DisplayName("signature_data_len shorter than its content is MALFORMED_QUOTE")
    void signatureDataLenTooSmall() {
        assertThatThrownBy(() -> Quote.decode(with32(V4, 632, 4299)))
                .isInstanceOfSatisfying(MalformedEvidenceException.class, e -> assertThat(e.code())
                        .isIn(MALFORMED_QUOTE, MALFORMED_CERTIFICATION_DATA));
    }

    @Test
    @DisplayName("signature data longer than its content (one trailing byte pulled in) is MALFORMED_QUOTE naming signature_data_len")
    void signatureDataWithSlack() {
        byte[] spr = TestData.bytes("go-tdx-guest/tdx_prod_quote_SPR_E4.dat");
        expect(with32(spr, 632, 4300), MALFORMED_QUOTE, "signature_data_len", 636 + 4299);
    }

    @Test
    @DisplayName("QE auth data size 0xFFFF is MALFORMED_CERTIFICATION_DATA at 1220")
    void qeAuthDataTooLarge() {
        expect(with16(V4, 1218, 0xFFFF), MALFORMED_CERTIFICATION_DATA, "qe_auth_data", 1220);
    }

    @Test
    @DisplayName("certification data size beyond the signature data is a typed error at 770")
    void certificationDataTooLarge() {
        expect(with32(V4, 766, 0x7FFF_FFFFL), MALFORMED_QUOTE, "certification_data.data", 770);
    }

    @Test
    @DisplayName("inner certification data of type 6 inside type 6 is MALFORMED_CERTIFICATION_DATA at 1252")
    void nestedType6() {
        expect(with16(V4, 1252, 6), MALFORMED_CERTIFICATION_DATA, "qe_certification_data.type", 1252);
    }

    @Test
    @DisplayName("outer certification data of another type decodes as opaque data and round-trips (the verifier rejects it)")
    void otherOuterType() throws MalformedEvidenceException {
        byte[] b = with16(V4, 764, 7);
        Quote q = Quote.decode(b);
        assertThat(q.signatureData().certificationData()).isInstanceOf(OpaqueCertificationData.class);
        assertThat(q.signatureData().certificationData().type().name()).isEqualTo("PLATFORM_MANIFEST");
        assertThat(q.signatureData().qeReportCertificationData()).isEmpty();
        assertThat(q.encode()).isEqualTo(b);
        assertThat(new CertificationDataType(0x99).toString()).isEqualTo("UNKNOWN(0x99)(153)");
    }

    @Test
    @DisplayName("a PCK chain that is not X.509 is MALFORMED_PCK_CERTIFICATE")
    void garbageChain() {
        PckCertChain chain = new PckCertChain("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n\0"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(chain.encoding()).isEqualTo(PckCertChain.Encoding.PEM);
        assertThatThrownBy(chain::certificates).isInstanceOfSatisfying(MalformedEvidenceException.class,
                e -> assertThat(e.code()).isEqualTo(MALFORMED_PCK_CERTIFICATE));
        assertThatThrownBy(() -> new PckCertChain(new byte[0]).certificates())
                .isInstanceOf(MalformedEvidenceException.class);
    }

    @Test
    @DisplayName("a certificate without the SGX extension (the root CA) is MALFORMED_PCK_CERTIFICATE naming sgx_extension")
    void rootHasNoSgxExtension() throws MalformedEvidenceException {
        var root = Quote.decode(V4).signatureData().qeReportCertificationData().orElseThrow().pckCertChain()
                .orElseThrow().leafFirst().getLast();
        assertThatThrownBy(() -> PckExtensions.of(root)).isInstanceOfSatisfying(MalformedEvidenceException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(MALFORMED_PCK_CERTIFICATE);
                    assertThat(e.field()).isEqualTo("sgx_extension");
                });
    }

    @Test
    @DisplayName("an SGX extension value that is not DER, or lacks FMSPC, is MALFORMED_PCK_CERTIFICATE")
    void badExtensionValue() throws Exception {
        assertThatThrownBy(() -> PckExtensions.parse(new byte[] {0x30, 0x05, 0x01}))
                .isInstanceOf(MalformedEvidenceException.class);
        assertThatThrownBy(() -> PckExtensions.parse(new byte[] {0x04, 0x00}))
                .isInstanceOf(MalformedEvidenceException.class);
        // The real extension with the FMSPC item (OID ...13.1.4) removed.
        var leaf = Quote.decode(V4).signatureData().qeReportCertificationData().orElseThrow().pckCertChain()
                .orElseThrow().pckCertificate();
        var seq = (org.bouncycastle.asn1.ASN1Sequence) org.bouncycastle.asn1.ASN1Primitive.fromByteArray(
                org.bouncycastle.asn1.ASN1OctetString.getInstance(
                        leaf.getExtensionValue(PckExtensions.SGX_EXTENSION_OID)).getOctets());
        var kept = new org.bouncycastle.asn1.ASN1EncodableVector();
        for (var item : seq) {
            var oid = ((org.bouncycastle.asn1.ASN1Sequence) item).getObjectAt(0).toString();
            if (!oid.equals(PckExtensions.SGX_EXTENSION_OID + ".4")) {
                kept.add(item);
            }
        }
        byte[] withoutFmspc = new org.bouncycastle.asn1.DERSequence(kept).getEncoded();
        assertThatThrownBy(() -> PckExtensions.parse(withoutFmspc))
                .isInstanceOfSatisfying(MalformedEvidenceException.class, e -> assertThat(e.field()).isEqualTo("fmspc"));
    }

    @Test
    @DisplayName("any single-byte change in the first 1300 bytes of a v4 quote either decodes and round-trips or is a typed error")
    void singleByteChanges() {
        for (int off = 0; off < 1300; off++) {
            for (int mask : new int[] {0x01, 0x80, 0xFF}) {
                byte[] b = V4.clone();
                b[off] ^= (byte) mask;
                try {
                    assertThat(Quote.decode(b).encode()).isEqualTo(b);
                } catch (MalformedEvidenceException expected) {
                    assertThat(expected.field()).isNotBlank();
                }
            }
        }
    }
}
