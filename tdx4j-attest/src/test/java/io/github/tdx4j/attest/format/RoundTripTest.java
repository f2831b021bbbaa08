package io.github.tdx4j.attest.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** decode then encode gives back every shared vector byte for byte, trailing bytes included. */
class RoundTripTest {
    /** Every TD quote among the shared vectors (binary files; the hex one is decoded from text first). */
    static Stream<String> quoteFiles() {
        return Stream.of("go-tdx-guest/tdx_prod_quote_SPR_E4.dat", "go-tdx-guest/quote_v5_sample.dat",
                "go-tdx-guest/ccel/cos-113-tdx-quote.dat", "dcap-qvl/tdx_quote", "dcap-qvl/tdx_quote_outdated",
                "trustee/tdx_quote_4.dat", "trustee/tdx_quote_5.dat", "intel-qvl/quote.dat");
    }

    static byte[] quoteBytes(String file) {
        return file.endsWith(".hex") ? TestData.hexFile(file) : TestData.bytes(file);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("quoteFiles")
    @DisplayName("Quote.encode(Quote.decode(q)) == q for every shared quote vector")
    void quoteRoundTrip(String file) throws MalformedEvidenceException {
        byte[] bytes = quoteBytes(file);
        Quote quote = Quote.decode(bytes);
        assertThat(quote.encode()).isEqualTo(bytes);
        assertThat(Quote.decode(quote.encode())).isEqualTo(quote);
    }

    @Test
    @DisplayName("dcap-qvl/tdx-quote.hex (0x-prefixed hex text) round-trips after hex decoding")
    void hexQuoteRoundTrip() throws MalformedEvidenceException {
        byte[] bytes = TestData.hexFile("dcap-qvl/tdx-quote.hex");
        assertThat(Quote.decode(bytes).encode()).isEqualTo(bytes);
    }

    @Test
    @DisplayName("TdReport.encode(TdReport.decode(r)) == r for guest-components/tdx_report_1.bin")
    void tdReportRoundTrip() throws MalformedEvidenceException {
        byte[] bytes = TestData.bytes("guest-components/tdx_report_1.bin");
        TdReport report = TdReport.decode(bytes);
        assertThat(report.encode()).isEqualTo(bytes);
        assertThat(TdReport.decode(report.encode())).isEqualTo(report);
    }
}
