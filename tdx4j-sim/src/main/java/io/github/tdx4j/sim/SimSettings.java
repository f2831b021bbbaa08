package io.github.tdx4j.sim;

import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdvmcallStatus;
import java.util.Objects;

/**
 * Every knob of the simulated platform that is not part of the TD's own configuration: randomness, time, and each
 * named relaxation of the strict default. The defaults reproduce the TDX module 1.5 and KVM + QEMU as of Linux 6.16;
 * each component's Javadoc gives its range. The README lists them in a table.
 *
 * @param seed                     drives every key and MAC secret of the platform (report MAC key, attestation and
 *                                 PCK keys, CA keys); any value
 * @param quoteLatencyNanos        simulated time from GetQuote to the quote being written, 0..30 s (QEMU's QGS
 *                                 timeout); default 20 ms
 * @param idleHaltNanos            how long an HLT with nothing scheduled idles before returning, 1 µs..10 s;
 *                                 default 1 ms
 * @param hostPrivateMappingLevel  the largest page size the honest VMM maps private memory with on an EPT violation
 *                                 (TDH.MEM.PAGE.AUG): SIZE_4K as KVM 6.16 (no TDX huge pages), or SIZE_2M
 * @param maxAcceptLevel           the largest TDG.MEM.PAGE.ACCEPT level the module takes: SIZE_2M as TDX module 1.5
 *                                 ({@code verify_page_info_input(.., LVL_PT, LVL_PD)}); SIZE_1G is a relaxation
 * @param quoteVersion             the quote the quoting service produces: 4 (TDX 1.0 body) or 5 (TDX 1.5 body)
 * @param quoteServiceAvailable    whether QEMU has a quote-generation-socket; false = GET_QUOTE_SERVICE_UNAVAILABLE
 * @param mapGpaExitEnabled        whether the VMM enabled KVM_CAP_EXIT_HYPERCALL for KVM_HC_MAP_GPA_RANGE; false =
 *                                 MapGPA answers SUBFUNC_UNSUPPORTED
 * @param unsupportedSubFunctionStatus what KVM answers an unknown TDVMCALL: SUBFUNC_UNSUPPORTED (Linux 6.16+) or
 *                                 INVALID_OPERAND (earlier hosts)
 * @param maxInstructionsPerRun    the bound of {@link Vcpu#run}, 1..2^31−1; default 1,000,000
 */
public record SimSettings(long seed, long quoteLatencyNanos, long idleHaltNanos, PageLevel hostPrivateMappingLevel,
                          PageLevel maxAcceptLevel, int quoteVersion, boolean quoteServiceAvailable,
                          boolean mapGpaExitEnabled, TdvmcallStatus unsupportedSubFunctionStatus,
                          int maxInstructionsPerRun) {

    /** The default seed: any fixed value; printed by failing tests so that a run can be replayed. */
    public static final long DEFAULT_SEED = 0x7D45_1A2B_3C4D_5E6FL;

    public SimSettings {
        if (quoteLatencyNanos < 0 || quoteLatencyNanos > 30_000_000_000L) {
            throw new IllegalArgumentException("quoteLatencyNanos must be in [0, 30 s]: " + quoteLatencyNanos);
        }
        if (idleHaltNanos < 1_000 || idleHaltNanos > 10_000_000_000L) {
            throw new IllegalArgumentException("idleHaltNanos must be in [1 us, 10 s]: " + idleHaltNanos);
        }
        Objects.requireNonNull(hostPrivateMappingLevel, "hostPrivateMappingLevel");
        if (hostPrivateMappingLevel == PageLevel.SIZE_1G) {
            throw new IllegalArgumentException("hostPrivateMappingLevel must be SIZE_4K or SIZE_2M");
        }
        Objects.requireNonNull(maxAcceptLevel, "maxAcceptLevel");
        if (maxAcceptLevel == PageLevel.SIZE_4K) {
            throw new IllegalArgumentException("maxAcceptLevel must be SIZE_2M or SIZE_1G");
        }
        if (quoteVersion != 4 && quoteVersion != 5) {
            throw new IllegalArgumentException("quoteVersion must be 4 or 5: " + quoteVersion);
        }
        Objects.requireNonNull(unsupportedSubFunctionStatus, "unsupportedSubFunctionStatus");
        if (!unsupportedSubFunctionStatus.equals(TdvmcallStatus.SUBFUNC_UNSUPPORTED)
                && !unsupportedSubFunctionStatus.equals(TdvmcallStatus.INVALID_OPERAND)) {
            throw new IllegalArgumentException("unsupportedSubFunctionStatus must be SUBFUNC_UNSUPPORTED or "
                    + "INVALID_OPERAND: " + unsupportedSubFunctionStatus);
        }
        if (maxInstructionsPerRun < 1) {
            throw new IllegalArgumentException("maxInstructionsPerRun must be positive: " + maxInstructionsPerRun);
        }
    }

    /** The strict defaults. */
    public static SimSettings strict() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().seed(seed).quoteLatencyNanos(quoteLatencyNanos).idleHaltNanos(idleHaltNanos)
                .hostPrivateMappingLevel(hostPrivateMappingLevel).maxAcceptLevel(maxAcceptLevel)
                .quoteVersion(quoteVersion).quoteServiceAvailable(quoteServiceAvailable)
                .mapGpaExitEnabled(mapGpaExitEnabled).unsupportedSubFunctionStatus(unsupportedSubFunctionStatus)
                .maxInstructionsPerRun(maxInstructionsPerRun);
    }

    /** Builder starting from the strict defaults. */
    public static final class Builder {
        private long seed = DEFAULT_SEED;
        private long quoteLatencyNanos = 20_000_000L;
        private long idleHaltNanos = 1_000_000L;
        private PageLevel hostPrivateMappingLevel = PageLevel.SIZE_4K;
        // Deviation: maxAcceptLevel(SIZE_1G) is a relaxation: module 1.5 refuses a 1G TDG.MEM.PAGE.ACCEPT
        // (verify_page_info_input(.., LVL_PT, LVL_PD)), which the default reproduces. intel/tdx-module
        // tdg_mem_page_accept.c.
        private PageLevel maxAcceptLevel = PageLevel.SIZE_2M;
        private int quoteVersion = 4;
        private boolean quoteServiceAvailable = true;
        private boolean mapGpaExitEnabled = true;
        private TdvmcallStatus unsupportedSubFunctionStatus = TdvmcallStatus.SUBFUNC_UNSUPPORTED;
        private int maxInstructionsPerRun = 1_000_000;

        private Builder() {
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder quoteLatencyNanos(long v) {
            quoteLatencyNanos = v;
            return this;
        }

        public Builder idleHaltNanos(long v) {
            idleHaltNanos = v;
            return this;
        }

        public Builder hostPrivateMappingLevel(PageLevel v) {
            hostPrivateMappingLevel = v;
            return this;
        }

        public Builder maxAcceptLevel(PageLevel v) {
            maxAcceptLevel = v;
            return this;
        }

        public Builder quoteVersion(int v) {
            quoteVersion = v;
            return this;
        }

        public Builder quoteServiceAvailable(boolean v) {
            quoteServiceAvailable = v;
            return this;
        }

        public Builder mapGpaExitEnabled(boolean v) {
            mapGpaExitEnabled = v;
            return this;
        }

        public Builder unsupportedSubFunctionStatus(TdvmcallStatus v) {
            unsupportedSubFunctionStatus = v;
            return this;
        }

        public Builder maxInstructionsPerRun(int v) {
            maxInstructionsPerRun = v;
            return this;
        }

        public SimSettings build() {
            return new SimSettings(seed, quoteLatencyNanos, idleHaltNanos, hostPrivateMappingLevel, maxAcceptLevel,
                    quoteVersion, quoteServiceAvailable, mapGpaExitEnabled, unsupportedSubFunctionStatus,
                    maxInstructionsPerRun);
        }
    }
}
