package io.github.tdx4j.attest.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.github.tdx4j.attest.eventlog.RtmrReplay;
import io.github.tdx4j.attest.eventlog.TcgEventLog;

/**
 * Jazzer fuzz tests of every evidence decoder. The contract under test: on any input a decoder either returns a
 * record or throws {@link MalformedEvidenceException}; any other exception (index, arithmetic, allocation of a
 * length read from the input) is a bug. Accepted quotes and TDREPORTs must also encode back to the input.
 *
 * <p>Under plain {@code mvn test} this runs in Jazzer's regression mode: the seeds in
 * {@code src/test/resources/io/github/tdx4j/attest/format/EvidenceFuzzTestInputs/<method>/} plus an empty input, in
 * well under a second. To fuzz one method: {@code JAZZER_FUZZ=1 ./tdx4j-build -o -pl tdx4j-attest test
 * -Dtest=EvidenceFuzzTest#quoteDecoder}; a crash is written to {@code crash-<sha1>} in the module directory and
 * belongs, once fixed, in the inputs directory as a regression input.
 */
class EvidenceFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void quoteDecoder(@NotNull byte[] input) {
        Quote quote;
        try {
            quote = Quote.decode(input);
        } catch (MalformedEvidenceException expected) {
            return;
        }
        assertThat(quote.encode()).isEqualTo(input);
        assertThat(quote.toString()).isNotEmpty();
        quote.signatureData().qeReportCertificationData().flatMap(QeReportCertificationData::pckCertChain)
                .ifPresent(chain -> {
                    try {
                        chain.pckExtensions();
                    } catch (MalformedEvidenceException expected) {
                        // A chain that does not parse is an expected outcome for arbitrary input.
                    }
                });
    }

    @FuzzTest(maxDuration = "60s")
    void sgxQuoteDecoder(@NotNull byte[] input) {
        SgxQuote quote;
        try {
            quote = SgxQuote.decode(input);
        } catch (MalformedEvidenceException expected) {
            return;
        }
        assertThat(quote.encode()).isEqualTo(input);
    }

    @FuzzTest(maxDuration = "60s")
    void tdReportDecoder(@NotNull byte[] input) {
        TdReport report;
        try {
            report = TdReport.decode(input);
        } catch (MalformedEvidenceException expected) {
            return;
        }
        assertThat(report.encode()).isEqualTo(input);
        assertThat(report.withComputedHashes().hashesConsistent()).isTrue();
    }

    @FuzzTest(maxDuration = "60s")
    void eventLogParser(@NotNull byte[] input) {
        try {
            TcgEventLog log = TcgEventLog.parse(input);
            assertThat(log.length()).isBetween(0, input.length);
            RtmrReplay.replay(log);
        } catch (MalformedEvidenceException expected) {
            // Rejected with a field and an offset: the contract.
        }
    }

    @FuzzTest(maxDuration = "60s")
    void pckExtensionParser(@NotNull byte[] input) {
        try {
            PckExtensions pck = PckExtensions.parse(input);
            assertThat(pck.tcbComponents()).hasSize(PckExtensions.TCB_COMPONENT_COUNT);
        } catch (MalformedEvidenceException expected) {
            // Rejected with a field: the contract.
        }
    }
}
