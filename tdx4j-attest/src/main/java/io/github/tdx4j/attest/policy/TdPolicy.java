package io.github.tdx4j.attest.policy;

import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.format.TdQuoteBody;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a relying party accepts from a TD whose quote verified: a layer on top of cryptographic verification, kept
 * separate from it as dcap-qvl does ({@code validate_attrs}) and as Intel leaves it to the caller (the QvE returns
 * a status, not a decision).
 *
 * <p>Defaults, strict: no debug TD, SEPT_VE_DISABLE required, TCB status UpToDate only, unexpired collateral,
 * MRSERVICETD all zero (no service TD bound; TDX 1.5 bodies). Expected measurements and minimum SVNs are checked
 * only when set. Immutable; build with {@link #builder()}.
 */
public final class TdPolicy {
    private static final HexFormat HEX = HexFormat.of();
    private static final String ZERO48 = "00".repeat(48);

    private final boolean allowDebug;
    private final boolean requireSeptVeDisable;
    private final Set<TcbStatus> acceptedStatuses;
    private final boolean acceptExpiredCollateral;
    private final Optional<String> mrTd;
    private final Map<Integer, String> rtmrs;
    private final Optional<String> mrConfigId;
    private final Optional<String> mrOwner;
    private final Optional<String> mrOwnerConfig;
    private final Optional<String> mrServiceTd;
    private final Optional<byte[]> minTeeTcbSvn;

    private TdPolicy(Builder b) {
        this.allowDebug = b.allowDebug;
        this.requireSeptVeDisable = b.requireSeptVeDisable;
        this.acceptedStatuses = Set.copyOf(b.acceptedStatuses);
        this.acceptExpiredCollateral = b.acceptExpiredCollateral;
        this.mrTd = b.mrTd;
        this.rtmrs = Map.copyOf(b.rtmrs);
        this.mrConfigId = b.mrConfigId;
        this.mrOwner = b.mrOwner;
        this.mrOwnerConfig = b.mrOwnerConfig;
        this.mrServiceTd = b.mrServiceTd;
        this.minTeeTcbSvn = b.minTeeTcbSvn.map(byte[]::clone);
    }

    /** The default policy (see the class comment). */
    public static TdPolicy strict() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every rule {@code verified} breaks, in rule order; empty when the TD is acceptable. */
    public List<PolicyViolation> violations(VerificationResult.Verified verified) {
        Objects.requireNonNull(verified, "verified");
        List<PolicyViolation> out = new ArrayList<>();
        if (verified.tdQuote().isEmpty()) {
            out.add(new PolicyViolation(PolicyViolation.Rule.NOT_A_TD, "the quote is an SGX enclave quote"));
            return List.copyOf(out);
        }
        TdQuoteBody body = verified.tdQuote().get().body();
        if (!allowDebug && body.tdAttributes().debug()) {
            out.add(new PolicyViolation(PolicyViolation.Rule.DEBUG_TD, "TDATTRIBUTES " + body.tdAttributes()
                    + " has DEBUG set"));
        }
        if (requireSeptVeDisable && !body.tdAttributes().septVeDisable()) {
            out.add(new PolicyViolation(PolicyViolation.Rule.SEPT_VE_DISABLE_OFF, "TDATTRIBUTES "
                    + body.tdAttributes() + " lacks SEPT_VE_DISABLE"));
        }
        if (!acceptedStatuses.contains(verified.status())) {
            out.add(new PolicyViolation(PolicyViolation.Rule.TCB_STATUS_NOT_ACCEPTED, "TCB status "
                    + verified.status() + " (advisories " + verified.advisoryIds() + ") is not one of "
                    + acceptedStatuses.stream().map(TcbStatus::jsonName).sorted().toList()));
        }
        if (!acceptExpiredCollateral && verified.collateralExpired()) {
            out.add(new PolicyViolation(PolicyViolation.Rule.COLLATERAL_EXPIRED, verified.expiringItem()
                    + " expired at " + verified.collateralExpiry()));
        }
        expect(out, PolicyViolation.Rule.MRTD_MISMATCH, "MRTD", body.mrTd(), mrTd);
        for (var e : new TreeMap<>(rtmrs).entrySet()) {
            expect(out, PolicyViolation.Rule.RTMR_MISMATCH, "RTMR" + e.getKey(), body.rtmr(e.getKey()),
                    Optional.of(e.getValue()));
        }
        expect(out, PolicyViolation.Rule.MRCONFIGID_MISMATCH, "MRCONFIGID", body.mrConfigId(), mrConfigId);
        expect(out, PolicyViolation.Rule.MROWNER_MISMATCH, "MROWNER", body.mrOwner(), mrOwner);
        expect(out, PolicyViolation.Rule.MROWNERCONFIG_MISMATCH, "MROWNERCONFIG", body.mrOwnerConfig(), mrOwnerConfig);
        if (body.tdx15()) {
            expect(out, PolicyViolation.Rule.MRSERVICETD_MISMATCH, "MRSERVICETD", body.mrServiceTd(), mrServiceTd);
        } else if (mrServiceTd.isPresent() && !mrServiceTd.get().equals(ZERO48)) {
            out.add(new PolicyViolation(PolicyViolation.Rule.MRSERVICETD_MISMATCH,
                    "a TDX 1.0 body has no MRSERVICETD; expected " + mrServiceTd.get()));
        }
        if (minTeeTcbSvn.isPresent()) {
            byte[] have = body.teeTcbSvn();
            byte[] min = minTeeTcbSvn.get();
            for (int i = 0; i < min.length; i++) {
                if (Byte.toUnsignedInt(have[i]) < Byte.toUnsignedInt(min[i])) {
                    out.add(new PolicyViolation(PolicyViolation.Rule.TEE_TCB_SVN_TOO_LOW, "TEE_TCB_SVN "
                            + HEX.formatHex(have) + " is below the minimum " + HEX.formatHex(min) + " at index " + i));
                    break;
                }
            }
        }
        return List.copyOf(out);
    }

    /** Whether {@code verified} breaks no rule. */
    public boolean accepts(VerificationResult.Verified verified) {
        return violations(verified).isEmpty();
    }

    private static void expect(List<PolicyViolation> out, PolicyViolation.Rule rule, String name, byte[] actual,
                               Optional<String> expected) {
        if (expected.isPresent()) {
            String have = HEX.formatHex(actual);
            if (!have.equals(expected.get())) {
                out.add(new PolicyViolation(rule, name + " is " + have + ", expected " + expected.get()));
            }
        }
    }

    /** Options of a {@link TdPolicy}. Measurements are 48 bytes of hex (any case). */
    public static final class Builder {
        private boolean allowDebug;
        private boolean requireSeptVeDisable = true;
        private Set<TcbStatus> acceptedStatuses = EnumSet.of(TcbStatus.UP_TO_DATE);
        private boolean acceptExpiredCollateral;
        private Optional<String> mrTd = Optional.empty();
        private final Map<Integer, String> rtmrs = new TreeMap<>();
        private Optional<String> mrConfigId = Optional.empty();
        private Optional<String> mrOwner = Optional.empty();
        private Optional<String> mrOwnerConfig = Optional.empty();
        private Optional<String> mrServiceTd = Optional.of(ZERO48);
        private Optional<byte[]> minTeeTcbSvn = Optional.empty();

        private Builder() {
        }

        /** Accept debug TDs (for development only: a debug TD's secrets are readable by the host). */
        public Builder allowDebug(boolean allow) {
            this.allowDebug = allow;
            return this;
        }

        /** Whether SEPT_VE_DISABLE must be set (default true). */
        public Builder requireSeptVeDisable(boolean require) {
            this.requireSeptVeDisable = require;
            return this;
        }

        /** The TCB statuses to accept (default UpToDate only). */
        public Builder acceptedStatuses(Set<TcbStatus> statuses) {
            if (statuses.isEmpty()) {
                throw new IllegalArgumentException("accept at least one TCB status");
            }
            this.acceptedStatuses = EnumSet.copyOf(statuses);
            return this;
        }

        /** Accept results computed from expired collateral (default false). */
        public Builder acceptExpiredCollateral(boolean accept) {
            this.acceptExpiredCollateral = accept;
            return this;
        }

        public Builder mrTd(String hex) {
            this.mrTd = Optional.of(measurement(hex, "MRTD"));
            return this;
        }

        /** Expected RTMR {@code index} (0..3). */
        public Builder rtmr(int index, String hex) {
            if (index < 0 || index > 3) {
                throw new IllegalArgumentException("RTMR index must be 0..3: " + index);
            }
            rtmrs.put(index, measurement(hex, "RTMR" + index));
            return this;
        }

        public Builder mrConfigId(String hex) {
            this.mrConfigId = Optional.of(measurement(hex, "MRCONFIGID"));
            return this;
        }

        public Builder mrOwner(String hex) {
            this.mrOwner = Optional.of(measurement(hex, "MROWNER"));
            return this;
        }

        public Builder mrOwnerConfig(String hex) {
            this.mrOwnerConfig = Optional.of(measurement(hex, "MROWNERCONFIG"));
            return this;
        }

        /** Expected MRSERVICETD of TDX 1.5 bodies (default all zero). */
        public Builder mrServiceTd(String hex) {
            this.mrServiceTd = Optional.of(measurement(hex, "MRSERVICETD"));
            return this;
        }

        /** Accept any MRSERVICETD (any bound service TD). */
        public Builder anyMrServiceTd() {
            this.mrServiceTd = Optional.empty();
            return this;
        }

        /** Minimum TEE_TCB_SVN, compared byte by byte (16 bytes of hex; zero bytes impose nothing). */
        public Builder minTeeTcbSvn(String hex) {
            byte[] b = HEX.parseHex(hex);
            if (b.length != 16) {
                throw new IllegalArgumentException("TEE_TCB_SVN is 16 bytes: " + hex);
            }
            this.minTeeTcbSvn = Optional.of(b);
            return this;
        }

        public TdPolicy build() {
            return new TdPolicy(this);
        }

        private static String measurement(String hex, String name) {
            String h = hex.toLowerCase(Locale.ROOT);
            if (!h.matches("[0-9a-f]{96}")) {
                throw new IllegalArgumentException(name + " must be 48 bytes of hex: " + hex);
            }
            return h;
        }
    }
}
