package io.github.tdx4j.attest.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.attest.format.MalformedEvidenceException;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.TestData;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** go-tdx-guest's CCEL vectors: the ACPI table, the 43-event log, and the replay against the quote's RTMRs. */
class CcelReplayTest {
    private static final byte[] TABLE = TestData.bytes("go-tdx-guest/ccel/ccel_table.dat");
    private static final byte[] LOG = TestData.bytes("go-tdx-guest/ccel/ccel_data.dat");

    @Test
    @DisplayName("ccel_table.dat: CCEL, 56 bytes, valid checksum, CC type 2 (TDX), LAML 256 KiB = size of ccel_data.dat")
    void table() throws MalformedEvidenceException {
        CcelTable t = CcelTable.decode(TABLE);
        assertThat(t.signature()).isEqualTo("CCEL");
        assertThat(t.length()).isEqualTo(56);
        assertThat(t.checksumValid()).isTrue();
        assertThat(t.ccType()).isEqualTo(CcelTable.CC_TYPE_TDX);
        assertThat(t.oemId()).isEqualTo("INTEL ");
        assertThat(t.logAreaMinimumLength()).isEqualTo(256 * 1024).isEqualTo(LOG.length);
        assertThat(t.logAreaStartAddress()).isEqualTo(0xbedbf000L);
    }

    @Test
    @DisplayName("a table with a wrong signature, length or checksum is reported")
    void badTable() throws MalformedEvidenceException {
        byte[] b = TABLE.clone();
        b[0] = 'X';
        assertThatThrownBy(() -> CcelTable.decode(b)).isInstanceOfSatisfying(MalformedEvidenceException.class,
                e -> assertThat(e.field()).isEqualTo("Signature"));
        assertThatThrownBy(() -> CcelTable.decode(Arrays.copyOf(TABLE, 40)))
                .isInstanceOf(MalformedEvidenceException.class);
        byte[] c = TABLE.clone();
        c[20] ^= 1;
        assertThat(CcelTable.decode(c).checksumValid()).isFalse();
    }

    @Test
    @DisplayName("ccel_data.dat: Spec ID Event03 with SHA-384 only, then 43 events, then erased (0xFF) space")
    void log() throws MalformedEvidenceException {
        TcgEventLog log = TcgEventLog.parse(LOG);
        assertThat(log.specId().specVersionMajor()).isEqualTo(2);
        assertThat(log.specId().digestSizes()).containsExactly(java.util.Map.entry(EventDigest.TPM_ALG_SHA384, 48));
        assertThat(log.events()).hasSize(43);
        assertThat(log.length()).isEqualTo(18101);
        CcEvent first = log.events().getFirst();
        assertThat(first.mrIndex()).isEqualTo(1);
        assertThat(EventTypes.name(first.eventType())).isEqualTo("EV_EFI_HANDOFF_TABLES2");
        CcEvent last = log.events().getLast();
        assertThat(new String(last.eventData(), StandardCharsets.US_ASCII))
                .isEqualTo("Exit Boot Services Returned with Success");
        assertThat(log.events().stream().mapToInt(CcEvent::rtmrIndex).distinct().sorted().toArray())
                .containsExactly(0, 1, 2);
    }

    @Test
    @DisplayName("replaying the 43 events reproduces RTMR0..3 of cos-113-tdx-quote.dat")
    void replayMatchesQuote() throws MalformedEvidenceException {
        List<byte[]> replayed = RtmrReplay.replay(TcgEventLog.parse(LOG));
        Quote quote = Quote.decode(TestData.bytes("go-tdx-guest/ccel/cos-113-tdx-quote.dat"));
        for (int i = 0; i < 4; i++) {
            assertThat(replayed.get(i)).as("RTMR%d", i).isEqualTo(quote.body().rtmr(i).toByteArray());
        }
        assertThat(replayed.get(3)).isEqualTo(new byte[48]);
    }

    @Test
    @DisplayName("dropping an event changes the replayed RTMRs, so the comparison detects an edited log")
    void editedLogDoesNotReplay() throws MalformedEvidenceException {
        TcgEventLog log = TcgEventLog.parse(LOG);
        TcgEventLog edited = new TcgEventLog(log.specId(), log.events().subList(0, 42), log.length());
        Quote quote = Quote.decode(TestData.bytes("go-tdx-guest/ccel/cos-113-tdx-quote.dat"));
        assertThat(RtmrReplay.replay(edited).get(1)).isNotEqualTo(quote.body().rtmr(1).toByteArray());
    }

    @Test
    @DisplayName("a log cut at an event boundary is a shorter log; cut anywhere else it is MALFORMED_EVENT_LOG")
    void truncations() throws MalformedEvidenceException {
        TcgEventLog full = TcgEventLog.parse(LOG);
        java.util.Set<Long> boundaries = new java.util.HashSet<>();
        full.events().forEach(e -> boundaries.add(e.offset()));
        boundaries.add((long) full.length());
        for (int len = 0; len <= full.length(); len++) {
            try {
                TcgEventLog cut = TcgEventLog.parse(Arrays.copyOf(LOG, len));
                assertThat(boundaries).as("parsed a log cut at %d", len).contains((long) len);
                assertThat(cut.length()).isEqualTo(len);
            } catch (MalformedEvidenceException e) {
                assertThat(e.code()).isEqualTo(MalformedEvidenceException.Code.MALFORMED_EVENT_LOG);
                assertThat(boundaries).as("rejected a log cut at event boundary %d", len).doesNotContain((long) len);
            }
        }
    }

    @Test
    @DisplayName("a log that does not start with the Spec ID event is MALFORMED_EVENT_LOG")
    void notCryptoAgile() {
        byte[] b = LOG.clone();
        b[32] = 'X';
        assertThatThrownBy(() -> TcgEventLog.parse(b)).isInstanceOfSatisfying(MalformedEvidenceException.class,
                e -> assertThat(e.field()).isEqualTo("Signature"));
    }
}
