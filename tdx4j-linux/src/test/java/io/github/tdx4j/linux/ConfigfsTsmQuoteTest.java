package io.github.tdx4j.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.tdx4j.call.Origin;
import io.github.tdx4j.guest.attest.AttestationException;
import io.github.tdx4j.guest.attest.AttestationException.Reason;
import io.github.tdx4j.linux.internal.Errno;
import io.github.tdx4j.linux.internal.KernelFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Quotes through configfs-tsm report entries (Documentation/ABI/testing/configfs-tsm-report) on a fake tree. */
class ConfigfsTsmQuoteTest {
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path tmp;
    FakeTdxGuest td;
    FakeTdxGuest.FakeTime time;
    LinuxTdAttestation att;

    @BeforeEach
    void setUp() {
        td = FakeTdxGuest.tdGuest(tmp);
        time = new FakeTdxGuest.FakeTime();
        att = new LinuxTdAttestation(td, Backoff.DEFAULT, time, time, "test");
    }

    static byte[] reportData() {
        byte[] d = new byte[64];
        for (int i = 0; i < 64; i++) {
            d[i] = (byte) i;
        }
        return d;
    }

    private AttestationException quoteFails() {
        return catchThrowableOfType(AttestationException.class, () -> att.quote(reportData()));
    }

    @Test
    @DisplayName("quote writes the 64-byte REPORTDATA to inblob, returns outblob and removes the entry")
    void quoteHappyPath() {
        byte[] quote = att.quote(reportData());

        assertThat(quote).isEqualTo(FakeTdxGuest.fakeQuote(reportData()));
        assertThat(td.createdEntries).hasSize(1);
        assertThat(td.removedEntries).isEqualTo(td.createdEntries);
        assertThat(td.leftoverEntries()).isEmpty();
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    @DisplayName("the provider attribute reads \"tdx_guest\\n\" on a real TD; any other provider is UNAVAILABLE")
    void wrongProvider() {
        td.provider = "sev_guest\n";

        AttestationException e = quoteFails();

        assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(e.failure().detail()).contains("'sev_guest'").contains("not tdx_guest");
        assertThat(td.leftoverEntries()).isEmpty();
    }

    @Test
    @DisplayName("a provider without the trailing newline is accepted too")
    void providerWithoutNewline() {
        td.provider = "tdx_guest";

        assertThat(att.quote(reportData())).isNotEmpty();
    }

    @Test
    @DisplayName("EBUSY from outblob is retried with doubling waits, each try in a fresh entry")
    void outblobBusyThenSuccess() {
        td.outblobErrors.addAll(List.of(Errno.EBUSY, Errno.EBUSY));

        byte[] quote = att.quote(reportData());

        assertThat(quote).isEqualTo(FakeTdxGuest.fakeQuote(reportData()));
        assertThat(time.sleeps).containsExactly(SECOND, 2 * SECOND);
        assertThat(td.createdEntries).hasSize(3).doesNotHaveDuplicates();
        assertThat(td.leftoverEntries()).isEmpty();
    }

    @Test
    @DisplayName("EBUSY that never clears ends after Backoff.maxAttempts as BUSY, origin VMM, entries removed")
    void outblobBusyForever() {
        for (int i = 0; i < 10; i++) {
            td.outblobErrors.add(Errno.EBUSY);
        }

        AttestationException e = quoteFails();

        assertThat(e.reason()).isEqualTo(Reason.BUSY);
        assertThat(e.origin()).isEqualTo(Origin.VMM);
        assertThat(e.failure().detail()).contains("EBUSY 5 time(s)");
        assertThat(time.sleeps).containsExactly(SECOND, 2 * SECOND, 4 * SECOND, 8 * SECOND);
        assertThat(td.createdEntries).hasSize(5);
        assertThat(td.leftoverEntries()).isEmpty();
    }

    @Test
    @DisplayName("no retry starts after the Backoff deadline, measured on the injected clock")
    void deadlineBoundsRetries() {
        att = new LinuxTdAttestation(td, new Backoff(100, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofMillis(2500)), time, time, "test");
        for (int i = 0; i < 100; i++) {
            td.outblobErrors.add(Errno.EBUSY);
        }

        AttestationException e = quoteFails();

        assertThat(e.reason()).isEqualTo(Reason.BUSY);
        assertThat(time.sleeps).containsExactly(SECOND, SECOND, SECOND); // tries at 0 s, 1 s, 2 s and 3 s
    }

    @Test
    @DisplayName("an inblob write configfs refused silently (generation unchanged) is retried in a fresh entry")
    void inblobDroppedRetried() {
        td.inblobDropped = 1;

        assertThat(att.quote(reportData())).isEqualTo(FakeTdxGuest.fakeQuote(reportData()));
        assertThat(td.createdEntries).hasSize(2);
        assertThat(time.sleeps).containsExactly(SECOND);
    }

    @Test
    @DisplayName("an inblob write refused on every try is BUSY saying the kernel did not take REPORTDATA")
    void inblobDroppedForever() {
        td.inblobDropped = 100;

        AttestationException e = quoteFails();

        assertThat(e.reason()).isEqualTo(Reason.BUSY);
        assertThat(e.failure().detail()).contains("did not take the REPORTDATA").contains("generation stayed 0");
        assertThat(td.leftoverEntries()).isEmpty();
    }

    @Test
    @DisplayName("EBUSY from the inblob write(2) itself is retried like outblob's")
    void inblobBusyRetried() {
        td.inblobErrors.add(Errno.EBUSY);

        assertThat(att.quote(reportData())).isNotEmpty();
        assertThat(time.sleeps).containsExactly(SECOND);

        for (int i = 0; i < 5; i++) {
            td.inblobErrors.add(Errno.EBUSY);
        }
        AttestationException e = quoteFails();
        assertThat(e.reason()).isEqualTo(Reason.BUSY);
        assertThat(e.origin()).isEqualTo(Origin.GUEST_BUG);
        assertThat(e.failure().detail()).contains("refused the REPORTDATA write").contains("EBUSY 5 time(s)");
    }

    @Test
    @DisplayName("a removal failing between tries stops the retries with an IO_ERROR naming the entry")
    void removalFailsBeforeRetry() {
        td.outblobErrors.add(Errno.EBUSY);
        td.rmdirErrors.add(Errno.EIO);

        AttestationException e = quoteFails();

        assertThat(e.reason()).isEqualTo(Reason.IO_ERROR);
        assertThat(e.failure().detail()).contains("could not remove the report entry");
        assertThat(td.createdEntries).hasSize(1);
    }

    @Test
    @DisplayName("a concurrent writer moving generation between our write and our read forces a retry")
    void concurrentWriterDetected() {
        td.concurrentWritesBeforeRead = 1;

        byte[] quote = att.quote(reportData());

        assertThat(quote).isEqualTo(FakeTdxGuest.fakeQuote(reportData()));
        assertThat(td.createdEntries).hasSize(2);
        assertThat(time.sleeps).containsExactly(SECOND);
    }

    @Test
    @DisplayName("a concurrent writer on every try is BUSY, origin GUEST_BUG, naming the generations")
    void concurrentWriterForever() {
        td.concurrentWritesBeforeRead = 100;

        AttestationException e = quoteFails();

        assertThat(e.reason()).isEqualTo(Reason.BUSY);
        assertThat(e.origin()).isEqualTo(Origin.GUEST_BUG);
        assertThat(e.failure().detail()).contains("another writer").contains("generation 2, expected 1");
        assertThat(td.leftoverEntries()).isEmpty();
    }

    @Test
    @DisplayName("a generation that did not move by exactly one after our write is a concurrent writer too")
    void generationMustAdvanceByOne() {
        LinuxTdAttestation noRetry = new LinuxTdAttestation(new FakeGenerationSkip(td), Backoff.NONE, time, time,
                "test");

        AttestationException e = catchThrowableOfType(AttestationException.class,
                () -> noRetry.quote(reportData()));

        assertThat(e.reason()).isEqualTo(Reason.BUSY);
        assertThat(e.failure().detail()).contains("generation 2, expected 1");
    }

    @Test
    @DisplayName("an empty outblob is HOST_ERROR from the VMM (old QGS), not an empty quote; no retry")
    void emptyOutblob() {
        td.quoteFor = d -> new byte[0];

        AttestationException e = quoteFails();

        assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR);
        assertThat(e.origin()).isEqualTo(Origin.VMM);
        assertThat(e.failure().detail()).contains("empty quote");
        assertThat(time.sleeps).isEmpty();
        assertThat(td.leftoverEntries()).isEmpty();
    }

    @ParameterizedTest(name = "{0} from outblob is {1}, origin {2}")
    @CsvSource({"5, HOST_ERROR, VMM, GetQuote", "110, TIMEOUT, VMM, 30 s", "27, HOST_ERROR, VMM, larger",
            "22, IO_ERROR, GUEST_BUG, no REPORTDATA", "6, UNAVAILABLE, GUEST_BUG, no attestation provider",
            "12, IO_ERROR, GUEST_BUG, ENOMEM (12)"})
    @DisplayName("tdx-guest.c and report.c errors from outblob map to a reason, an origin and advice")
    void outblobErrno(int errno, Reason reason, Origin origin, String advice) {
        td.outblobErrors.add(new Errno(errno));

        AttestationException e = quoteFails();

        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.origin()).isEqualTo(origin);
        assertThat(e.failure().detail()).contains(advice);
        assertThat(time.sleeps).isEmpty();
        assertThat(td.leftoverEntries()).isEmpty();
    }

    @Test
    @DisplayName("no tsm/report directory (configfs not mounted, kernel < 6.7): UNAVAILABLE from the real mkdir")
    void configfsMissing() {
        FakeTdxGuest bare = FakeTdxGuest.empty(tmp.resolve("bare"));
        att = new LinuxTdAttestation(bare, Backoff.DEFAULT, time, time, "test");

        AttestationException e = catchThrowableOfType(AttestationException.class, () -> att.quote(reportData()));

        assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(e.failure().detail()).contains("does not exist").contains("mount -t configfs");
    }

    @Test
    @DisplayName("an entry removed by another process between mkdir and read is named as such")
    void entryRemovedUnderUs() {
        LinuxTdAttestation a = new LinuxTdAttestation(new DelegatingFiles(td) {
            @Override
            public void mkdir(String relative) throws KernelFileException {
                super.mkdir(relative);
                try {
                    Files.delete(tmp.resolve(relative + "/provider"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }, Backoff.NONE, time, time, "test");

        AttestationException e = catchThrowableOfType(AttestationException.class, () -> a.quote(reportData()));

        assertThat(e.reason()).isEqualTo(Reason.IO_ERROR);
        assertThat(e.failure().detail()).contains("provider does not exist").contains("another process removed");
        assertThat(td.leftoverEntries()).isEmpty();
    }

    @ParameterizedTest(name = "mkdir {0}")
    @CsvSource({"6, no attestation provider", "13, no permission", "1, no permission"})
    @DisplayName("mkdir of the report entry: ENXIO (no provider), EACCES/EPERM are UNAVAILABLE with advice")
    void mkdirErrno(int errno, String advice) {
        td.mkdirErrors.add(new Errno(errno));

        AttestationException e = quoteFails();

        assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(e.failure().detail()).contains(advice);
    }

    @Test
    @DisplayName("an entry name already taken (EEXIST) moves on to the next name")
    void entryNameTaken() {
        td.mkdirErrors.add(Errno.EEXIST);

        assertThat(att.quote(reportData())).isNotEmpty();
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    @DisplayName("a short inblob write is IO_ERROR and requests no quote")
    void shortInblob() {
        td.shortWrite = 10;

        AttestationException e = quoteFails();

        assertThat(e.reason()).isEqualTo(Reason.IO_ERROR);
        assertThat(e.failure().detail()).contains("took 10 of 64");
        assertThat(td.leftoverEntries()).isEmpty();
    }

    @Test
    @DisplayName("EINVAL from the inblob write is INVALID_ARGUMENT")
    void inblobInvalid() {
        td.inblobErrors.add(Errno.EINVAL);

        assertThat(quoteFails().reason()).isEqualTo(Reason.INVALID_ARGUMENT);
    }

    @Test
    @DisplayName("a failed removal after a good quote is an IO_ERROR naming the entry to remove")
    void removalFailsAfterSuccess() {
        td.rmdirErrors.add(Errno.EBUSY);

        AttestationException e = quoteFails();

        assertThat(e.reason()).isEqualTo(Reason.IO_ERROR);
        assertThat(e.failure().detail()).contains("could not remove the report entry").contains("rmdir");
    }

    @Test
    @DisplayName("a failed removal after a failed quote keeps the quote's error and adds the removal's")
    void removalFailsAfterFailure() {
        td.quoteFor = d -> new byte[0];
        td.rmdirErrors.add(Errno.EIO);

        AttestationException e = quoteFails();

        assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR);
        assertThat(e.getSuppressed()).hasSize(1);
        assertThat(e.getSuppressed()[0].getMessage()).contains("could not remove");
    }

    @Test
    @DisplayName("REPORTDATA of other than 64 bytes is INVALID_ARGUMENT before any entry is made")
    void reportDataSize() {
        AttestationException e = catchThrowableOfType(AttestationException.class, () -> att.quote(new byte[63]));

        assertThat(e.reason()).isEqualTo(Reason.INVALID_ARGUMENT);
        assertThat(td.createdEntries).isEmpty();
    }

    @Test
    @DisplayName("the caller's REPORTDATA array is copied: changing it later does not change the request")
    void reportDataCopied() {
        byte[] data = reportData();
        td.quoteFor = d -> {
            Arrays.fill(data, (byte) 0);
            return FakeTdxGuest.fakeQuote(d);
        };

        assertThat(att.quote(data)).isEqualTo(FakeTdxGuest.fakeQuote(reportData()));
    }

    /** A kernel that counts two writes for ours: generation goes 0 -> 2. */
    private static final class FakeGenerationSkip extends DelegatingFiles {
        FakeGenerationSkip(FakeTdxGuest td) {
            super(td);
        }

        @Override
        public int write(String relative, byte[] data) throws KernelFileException {
            int n = super.write(relative, data);
            if (relative.endsWith("/inblob")) {
                String entry = relative.substring(0, relative.lastIndexOf('/'));
                ((FakeTdxGuest) inner).put(entry + "/generation", "2\n");
            }
            return n;
        }
    }
}
