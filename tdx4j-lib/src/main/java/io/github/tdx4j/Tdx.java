package io.github.tdx4j;

import io.github.tdx4j.guest.attest.TdAttestation;
import io.github.tdx4j.linux.LinuxTdAttestation;
import io.github.tdx4j.linux.TdxDiagnostics;
import io.github.tdx4j.linux.TdxDiagnostics.Feature;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.trace.TraceRecorder;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where an application gets the {@link TdAttestation} API (TDREPORT, quote, RTMR extend and read) without knowing
 * how a backend is wired: the embedded simulated TDX platform for development and tests, the Linux kernel interfaces
 * on a real TDX guest, or whichever this machine offers.
 *
 * <pre>{@code
 * TdAttestation td = Tdx.detect(why -> Tdx.simulated());  // a real TD if this is one, else the simulator
 * byte[] quote = td.quote(new byte[64]);
 * }</pre>
 */
public final class Tdx {
    private Tdx() {
    }

    /**
     * A new TD on the embedded simulated platform: a production TD (SEPT_VE_DISABLE, not DEBUG) with strict settings,
     * the honest KVM + QEMU host model, and the guest services booted on it. Its quotes verify, as UpToDate, with
     * {@link SimulatedTdx#trustedRoot()} and {@link SimulatedTdx#collateral()}, never with Intel's root.
     */
    public static SimulatedTdx simulated() {
        return SimulatedTdx.boot(TdConfig.production(), SimSettings.strict(), null);
    }

    /**
     * A new simulated TD with the given configuration and settings (for example {@code SimSettings.strict()
     * .toBuilder().quoteVersion(5).build()} for v5 quotes); see tdx4j-sim's README for every field.
     */
    public static SimulatedTdx simulated(TdConfig config, SimSettings settings) {
        return SimulatedTdx.boot(Objects.requireNonNull(config, "config"), Objects.requireNonNull(settings, "settings"),
                null);
    }

    /**
     * A new simulated TD whose every TDCALL, TDVMCALL, #VE and interrupt, from its boot on, is recorded by
     * {@code trace}, which draws them as a sequence-diagram page ({@link TraceRecorder#page}).
     */
    public static SimulatedTdx simulated(TdConfig config, SimSettings settings, TraceRecorder trace) {
        return SimulatedTdx.boot(Objects.requireNonNull(config, "config"), Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(trace, "trace"));
    }

    /**
     * The real backend on this machine's kernel: {@code /dev/tdx_guest}, configfs-tsm and the RTMR sysfs files. On a
     * machine that is not a TDX guest each call throws an {@link io.github.tdx4j.guest.attest.AttestationException}
     * saying what is missing; {@link #detect()} checks first.
     */
    public static TdAttestation linux() {
        return LinuxTdAttestation.open();
    }

    /**
     * The real backend if this machine can produce quotes (a TDX guest with {@code /dev/tdx_guest} and a configfs-tsm
     * report directory, as {@link TdxDiagnostics} checks); empty otherwise.
     */
    public static Optional<TdAttestation> detect() {
        return TdxDiagnostics.probe().offers(Feature.QUOTE) ? Optional.of(linux()) : Optional.empty();
    }

    /**
     * The real backend if this machine can produce quotes, otherwise what {@code fallback} returns when given the
     * sentence that says why not (for example {@code why -> Tdx.simulated()} in development, or a function that
     * throws in production).
     */
    public static TdAttestation detect(Function<String, ? extends TdAttestation> fallback) {
        return detect(TdxDiagnostics.probe(), Tdx::linux, fallback);
    }

    /** {@link #detect(Function)} on given diagnostics and Linux backend. */
    static TdAttestation detect(TdxDiagnostics diagnostics, Supplier<TdAttestation> linux,
                                Function<String, ? extends TdAttestation> fallback) {
        Objects.requireNonNull(fallback, "fallback");
        Optional<String> why = diagnostics.whyNot(Feature.QUOTE);
        return why.isPresent() ? Objects.requireNonNull(fallback.apply(why.get()), "fallback result") : linux.get();
    }
}
