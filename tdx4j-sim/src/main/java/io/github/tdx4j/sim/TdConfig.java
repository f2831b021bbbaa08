package io.github.tdx4j.sim;

import io.github.tdx4j.abi.PageLevel;
import io.github.tdx4j.abi.TdAttributes;
import io.github.tdx4j.attest.format.Measurement;
import java.util.Objects;

/**
 * The configuration of one simulated TD: what the host chose at TDH.MNG.INIT and what the TD's measurements are.
 * Defaults are those of a production TD on a KVM host (SEPT_VE_DISABLE set, DEBUG clear, GPAW 48, no_rbp_mod).
 *
 * <p>TDX Module ABI v1.5, "TD_PARAMS" (ATTRIBUTES, XFAM, MRCONFIGID, MROWNER, MROWNERCONFIG, CONFIG_FLAGS) and
 * "TDREPORT_STRUCT" (MRTD, TEE_TCB_SVN, MRSEAM). Immutable; build with {@link #builder()}.
 *
 * @param gpaw                   guest physical address width, 48 or 52; the shared bit is bit GPAW−1
 * @param memoryBytes            private RAM at GPA 0, a multiple of 2 MiB, at most 2^(GPAW−1) minus the MMIO window
 * @param vcpus                  vCPUs initialised (TDG.VP.INFO R8[31:0]), 1..maxVcpus
 * @param maxVcpus               maximum vCPUs (TDG.VP.INFO R8[63:32])
 * @param attributes             TD ATTRIBUTES
 * @param xfam                   XFAM
 * @param mrTd                   MRTD
 * @param mrConfigId             MRCONFIGID
 * @param mrOwner                MROWNER
 * @param mrOwnerConfig          MROWNERCONFIG
 * @param servTdHash             SERVTD_HASH (zero: no service TD bound)
 * @param teeTcbSvn              TEE_TCB_SVN, 16 bytes; also reported as TEE_TCB_SVN2 (no TD-preserving update)
 * @param mrSeam                 MRSEAM: the measurement of the (simulated) TDX module
 * @param cpuSvn                 CPUSVN, 16 bytes
 * @param noRbpMod               CONFIG_FLAGS.NO_RBP_MOD: TDG.VP.VMCALL may not expose RBP (KVM sets it)
 * @param flexiblePendingVe      CONFIG_FLAGS.FLEXIBLE_PENDING_VE: the TD may toggle TD_CTLS.PENDING_VE_DISABLE
 * @param topologyEnumConfigured TDCS.TOPOLOGY_ENUM_CONFIGURED
 * @param reduceVeSupported      whether the module supports TD_CTLS.REDUCE_VE (TDX_FEATURES0.REDUCE_VE)
 * @param acceptedAtBootBytes    private memory from GPA 0 already accepted by the firmware (mapped at 2 MiB), a
 *                               multiple of 2 MiB, at most memoryBytes
 * @param mmioBase               GPA (without the shared bit) of the MMIO test device window, above RAM
 */
public record TdConfig(int gpaw, long memoryBytes, int vcpus, int maxVcpus, TdAttributes attributes, long xfam,
                       Measurement mrTd, Measurement mrConfigId, Measurement mrOwner, Measurement mrOwnerConfig,
                       Measurement servTdHash, byte[] teeTcbSvn, Measurement mrSeam, byte[] cpuSvn,
                       boolean noRbpMod, boolean flexiblePendingVe, boolean topologyEnumConfigured,
                       boolean reduceVeSupported, long acceptedAtBootBytes, long mmioBase) {

    /** The default memory size: 2 GiB. */
    public static final long DEFAULT_MEMORY = 2L << 30;
    /** What the firmware accepts before the kernel runs (Documentation/arch/x86/tdx.rst: "about 512 MB"). */
    public static final long DEFAULT_ACCEPTED_AT_BOOT = 512L << 20;
    /** XFAM of a production TD (x87, SSE, AVX, AVX-512, PKRU, AMX): {@code e71a060000000000} as seen in real quotes. */
    public static final long DEFAULT_XFAM = 0x0006_1AE7L;
    /** TEE_TCB_SVN of the simulated TDX module 1.5: minor SVN 5, major 1, late microcode SVN 2. */
    private static final byte[] DEFAULT_TEE_TCB_SVN = {5, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    private static final byte[] DEFAULT_CPUSVN = {2, 2, 0x18, 0x1a, 3, (byte) 0xff, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0};

    public TdConfig {
        if (gpaw != 48 && gpaw != 52) {
            throw new IllegalArgumentException("GPAW must be 48 or 52: " + gpaw);
        }
        long twoMb = PageLevel.SIZE_2M.bytes();
        if (memoryBytes < twoMb || memoryBytes % twoMb != 0) {
            throw new IllegalArgumentException("memoryBytes must be a positive multiple of 2 MiB: " + memoryBytes);
        }
        if (maxVcpus < 1 || vcpus < 1 || vcpus > maxVcpus) {
            throw new IllegalArgumentException("need 1 <= vcpus <= maxVcpus: " + vcpus + "/" + maxVcpus);
        }
        Objects.requireNonNull(attributes, "attributes");
        Objects.requireNonNull(mrTd, "mrTd");
        Objects.requireNonNull(mrConfigId, "mrConfigId");
        Objects.requireNonNull(mrOwner, "mrOwner");
        Objects.requireNonNull(mrOwnerConfig, "mrOwnerConfig");
        Objects.requireNonNull(servTdHash, "servTdHash");
        Objects.requireNonNull(mrSeam, "mrSeam");
        teeTcbSvn = sized(teeTcbSvn, 16, "teeTcbSvn");
        cpuSvn = sized(cpuSvn, 16, "cpuSvn");
        if (acceptedAtBootBytes < 0 || acceptedAtBootBytes > memoryBytes || acceptedAtBootBytes % twoMb != 0) {
            throw new IllegalArgumentException("acceptedAtBootBytes must be a multiple of 2 MiB in [0, memoryBytes]: "
                    + acceptedAtBootBytes);
        }
        long sharedBit = 1L << (gpaw - 1);
        if (mmioBase < memoryBytes || mmioBase % PageLevel.SIZE_4K.bytes() != 0
                || mmioBase + MmioWindow.SIZE > sharedBit) {
            throw new IllegalArgumentException("mmioBase must be page-aligned, above RAM and below the shared bit: 0x"
                    + Long.toHexString(mmioBase));
        }
    }

    private static byte[] sized(byte[] v, int size, String name) {
        Objects.requireNonNull(v, name);
        if (v.length != size) {
            throw new IllegalArgumentException(name + " must be " + size + " bytes: " + v.length);
        }
        return v.clone();
    }

    /** The shared bit: 1 &lt;&lt; (GPAW − 1). */
    public long sharedBit() {
        return 1L << (gpaw - 1);
    }

    @Override
    public byte[] teeTcbSvn() {
        return teeTcbSvn.clone();
    }

    @Override
    public byte[] cpuSvn() {
        return cpuSvn.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TdConfig c && gpaw == c.gpaw && memoryBytes == c.memoryBytes && vcpus == c.vcpus
                && maxVcpus == c.maxVcpus && attributes.equals(c.attributes) && xfam == c.xfam
                && mrTd.equals(c.mrTd) && mrConfigId.equals(c.mrConfigId)
                && mrOwner.equals(c.mrOwner) && mrOwnerConfig.equals(c.mrOwnerConfig)
                && servTdHash.equals(c.servTdHash) && java.util.Arrays.equals(teeTcbSvn, c.teeTcbSvn)
                && mrSeam.equals(c.mrSeam) && java.util.Arrays.equals(cpuSvn, c.cpuSvn)
                && noRbpMod == c.noRbpMod && flexiblePendingVe == c.flexiblePendingVe
                && topologyEnumConfigured == c.topologyEnumConfigured && reduceVeSupported == c.reduceVeSupported
                && acceptedAtBootBytes == c.acceptedAtBootBytes && mmioBase == c.mmioBase;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(gpaw, memoryBytes, vcpus, attributes, xfam, mrTd,
                java.util.Arrays.hashCode(teeTcbSvn), acceptedAtBootBytes);
    }

    /** The configuration with measurements in hex. */
    @Override
    public String toString() {
        java.util.HexFormat h = java.util.HexFormat.of();
        return "TdConfig[gpaw=" + gpaw + ", memory=0x" + Long.toHexString(memoryBytes) + ", vcpus=" + vcpus + "/"
                + maxVcpus + ", attributes=" + attributes + ", xfam=0x" + Long.toHexString(xfam) + ", mrTd="
                + mrTd + ", mrConfigId=" + mrConfigId + ", mrOwner=" + mrOwner
                + ", mrOwnerConfig=" + mrOwnerConfig + ", servTdHash=" + servTdHash
                + ", teeTcbSvn=" + h.formatHex(teeTcbSvn) + ", mrSeam=" + mrSeam + ", cpuSvn="
                + h.formatHex(cpuSvn) + ", noRbpMod=" + noRbpMod + ", flexiblePendingVe=" + flexiblePendingVe
                + ", topologyEnumConfigured=" + topologyEnumConfigured + ", reduceVeSupported=" + reduceVeSupported
                + ", acceptedAtBoot=0x" + Long.toHexString(acceptedAtBootBytes) + ", mmioBase=0x"
                + Long.toHexString(mmioBase) + "]";
    }

    /** A production TD with every default. */
    public static TdConfig production() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This configuration as a builder, to change a few fields. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.gpaw = gpaw;
        b.memoryBytes = memoryBytes;
        b.vcpus = vcpus;
        b.maxVcpus = maxVcpus;
        b.attributes = attributes;
        b.xfam = xfam;
        b.mrTd = mrTd;
        b.mrConfigId = mrConfigId;
        b.mrOwner = mrOwner;
        b.mrOwnerConfig = mrOwnerConfig;
        b.servTdHash = servTdHash;
        b.teeTcbSvn = teeTcbSvn;
        b.mrSeam = mrSeam;
        b.cpuSvn = cpuSvn;
        b.noRbpMod = noRbpMod;
        b.flexiblePendingVe = flexiblePendingVe;
        b.topologyEnumConfigured = topologyEnumConfigured;
        b.reduceVeSupported = reduceVeSupported;
        b.acceptedAtBootBytes = acceptedAtBootBytes;
        b.mmioBase = mmioBase;
        return b;
    }

    /** Builder with the production defaults; see the record components for ranges. */
    public static final class Builder {
        private int gpaw = 48;
        private long memoryBytes = DEFAULT_MEMORY;
        private int vcpus = 1;
        private int maxVcpus = 1;
        private TdAttributes attributes = TdAttributes.ofBits(TdAttributes.SEPT_VE_DISABLE_BIT);
        private long xfam = DEFAULT_XFAM;
        private Measurement mrTd = Measurement.of(Sha.sha384(
                "tdx4j simulated TD image".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        private Measurement mrConfigId = Measurement.zero();
        private Measurement mrOwner = Measurement.zero();
        private Measurement mrOwnerConfig = Measurement.zero();
        private Measurement servTdHash = Measurement.zero();
        private byte[] teeTcbSvn = DEFAULT_TEE_TCB_SVN;
        private Measurement mrSeam = Measurement.of(Sha.sha384("tdx4j simulated TDX module 1.5".getBytes(
                java.nio.charset.StandardCharsets.UTF_8)));
        private byte[] cpuSvn = DEFAULT_CPUSVN;
        private boolean noRbpMod = true;
        private boolean flexiblePendingVe = false;
        private boolean topologyEnumConfigured = true;
        private boolean reduceVeSupported = true;
        private long acceptedAtBootBytes = -1;
        private long mmioBase = -1;

        private Builder() {
        }

        public Builder gpaw(int v) {
            gpaw = v;
            return this;
        }

        public Builder memoryBytes(long v) {
            memoryBytes = v;
            return this;
        }

        public Builder vcpus(int v) {
            vcpus = v;
            maxVcpus = Math.max(maxVcpus, v);
            return this;
        }

        public Builder maxVcpus(int v) {
            maxVcpus = v;
            return this;
        }

        public Builder attributes(TdAttributes v) {
            attributes = v;
            return this;
        }

        public Builder debug(boolean on) {
            attributes = attributes.with(TdAttributes.DEBUG_BIT, on);
            return this;
        }

        public Builder septVeDisable(boolean on) {
            attributes = attributes.with(TdAttributes.SEPT_VE_DISABLE_BIT, on);
            return this;
        }

        public Builder xfam(long v) {
            xfam = v;
            return this;
        }

        public Builder mrTd(Measurement v) {
            mrTd = v;
            return this;
        }

        public Builder mrConfigId(Measurement v) {
            mrConfigId = v;
            return this;
        }

        public Builder mrOwner(Measurement v) {
            mrOwner = v;
            return this;
        }

        public Builder mrOwnerConfig(Measurement v) {
            mrOwnerConfig = v;
            return this;
        }

        public Builder servTdHash(Measurement v) {
            servTdHash = v;
            return this;
        }

        public Builder teeTcbSvn(byte[] v) {
            teeTcbSvn = v;
            return this;
        }

        public Builder mrSeam(Measurement v) {
            mrSeam = v;
            return this;
        }

        public Builder cpuSvn(byte[] v) {
            cpuSvn = v;
            return this;
        }

        public Builder noRbpMod(boolean v) {
            noRbpMod = v;
            return this;
        }

        public Builder flexiblePendingVe(boolean v) {
            flexiblePendingVe = v;
            return this;
        }

        public Builder topologyEnumConfigured(boolean v) {
            topologyEnumConfigured = v;
            return this;
        }

        public Builder reduceVeSupported(boolean v) {
            reduceVeSupported = v;
            return this;
        }

        public Builder acceptedAtBootBytes(long v) {
            acceptedAtBootBytes = v;
            return this;
        }

        public Builder mmioBase(long v) {
            mmioBase = v;
            return this;
        }

        public TdConfig build() {
            long accepted = acceptedAtBootBytes >= 0 ? acceptedAtBootBytes
                    : Math.min(memoryBytes, DEFAULT_ACCEPTED_AT_BOOT);
            long mmio = mmioBase >= 0 ? mmioBase : Math.max(memoryBytes, MmioWindow.DEFAULT_BASE);
            return new TdConfig(gpaw, memoryBytes, vcpus, maxVcpus, attributes, xfam, mrTd, mrConfigId, mrOwner,
                    mrOwnerConfig, servTdHash, teeTcbSvn, mrSeam, cpuSvn, noRbpMod, flexiblePendingVe,
                    topologyEnumConfigured, reduceVeSupported, accepted, mmio);
        }
    }
}
