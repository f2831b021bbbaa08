package io.github.tdx4j.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.linux.TdxDiagnostics.Feature;
import io.github.tdx4j.linux.TdxDiagnostics.Item;
import io.github.tdx4j.linux.internal.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detection: what the machine offers and why not, on fake trees and on this machine. */
class TdxDiagnosticsTest {
    @TempDir
    Path tmp;

    @Test
    @DisplayName("a Linux 6.16 TD offers report, quote and RTMR, and the probe leaves no report entry behind")
    void fullTd() {
        FakeTdxGuest td = FakeTdxGuest.tdGuest(tmp);

        TdxDiagnostics d = TdxDiagnostics.probe(td);

        assertThat(d.isTdxGuest()).isTrue();
        assertThat(Feature.values()).allMatch(d::offers);
        assertThat(d.whyNot(Feature.QUOTE)).isEmpty();
        assertThat(d.kernelRelease()).isEqualTo("6.16.0-test");
        assertThat(d.check(Item.CONFIGFS_TSM).detail()).isEqualTo("provider tdx_guest");
        assertThat(td.createdEntries).hasSize(1);
        assertThat(td.leftoverEntries()).isEmpty();
        assertThat(d.toString()).contains("kernel").contains("6.16.0-test").contains("configfs-tsm");
    }

    @Test
    @DisplayName("not a TD: every feature is missing and the reason says so, with the missing file")
    void notATd() {
        TdxDiagnostics d = TdxDiagnostics.probe(FakeTdxGuest.empty(tmp));

        assertThat(d.isTdxGuest()).isFalse();
        assertThat(d.whyNot(Feature.QUOTE)).hasValueSatisfying(s -> assertThat(s)
                .startsWith("this is not a TDX guest").contains("no tdx_guest flag")
                .contains("sys/kernel/config/tsm/report is missing"));
        assertThat(d.whyNot(Feature.REPORT)).hasValueSatisfying(s -> assertThat(s).contains("dev/tdx_guest"));
    }

    @Test
    @DisplayName("a TD without configfs mounted is told to mount it; without tsm/report, which kernel it needs")
    void tdWithoutConfigfs() throws Exception {
        FakeTdxGuest td = FakeTdxGuest.tdGuest(tmp);
        Files.delete(tmp.resolve(KernelPaths.TSM_REPORT));
        assertThat(TdxDiagnostics.probe(td).whyNot(Feature.QUOTE))
                .hasValueSatisfying(s -> assertThat(s).contains("Linux 6.7+"));

        Files.delete(tmp.resolve("sys/kernel/config/tsm"));
        Files.delete(tmp.resolve(KernelPaths.CONFIGFS));
        assertThat(TdxDiagnostics.probe(td).whyNot(Feature.QUOTE))
                .hasValueSatisfying(s -> assertThat(s).contains("mount -t configfs"));
    }

    @Test
    @DisplayName("another provider (sev_guest), no provider (ENXIO) and no permission are each named")
    void providerProblems() {
        FakeTdxGuest td = FakeTdxGuest.tdGuest(tmp);
        td.provider = "sev_guest\n";
        assertThat(TdxDiagnostics.probe(td).whyNot(Feature.QUOTE))
                .hasValueSatisfying(s -> assertThat(s).contains("'sev_guest'"));

        td.provider = "tdx_guest\n";
        td.mkdirErrors.add(Errno.ENXIO);
        assertThat(TdxDiagnostics.probe(td).whyNot(Feature.QUOTE))
                .hasValueSatisfying(s -> assertThat(s).contains("no attestation provider"));

        td.mkdirErrors.add(Errno.EACCES);
        assertThat(TdxDiagnostics.probe(td).whyNot(Feature.QUOTE))
                .hasValueSatisfying(s -> assertThat(s).contains("run as root"));
        assertThat(td.leftoverEntries()).isEmpty();
    }

    @Test
    @DisplayName("a kernel before 6.16 has no measurement files; a partial set names the missing ones")
    void measurements() throws Exception {
        FakeTdxGuest td = FakeTdxGuest.tdGuest(tmp);
        Files.delete(tmp.resolve(KernelPaths.rtmr(3)));
        assertThat(TdxDiagnostics.probe(td).whyNot(Feature.RTMR))
                .hasValueSatisfying(s -> assertThat(s).contains("rtmr3:sha384"));
    }

    @Test
    @DisplayName("on this machine, the probe's TDX verdict matches /proc/cpuinfo read independently")
    void thisMachine() throws Exception {
        boolean flag = Files.readString(Path.of("/proc/cpuinfo")).lines()
                .filter(l -> l.startsWith("flags"))
                .anyMatch(l -> l.matches(".*\\btdx_guest\\b.*"));

        TdxDiagnostics d = TdxDiagnostics.probe();

        assertThat(d.isTdxGuest()).isEqualTo(flag);
        assertThat(d.kernelRelease()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip());
        assertThat(d.offers(Feature.REPORT)).isEqualTo(Files.exists(Path.of("/dev/tdx_guest"))
                && Files.isWritable(Path.of("/dev/tdx_guest")));
    }
}
