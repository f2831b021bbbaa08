package io.github.tdx4j.attest.policy;

import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.format.Measurement;
import io.github.tdx4j.attest.format.TdQuoteBody;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.security.MessageDigest;
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
 * MRSERVICETD all zero (no service TD bound; TDX 1.5 bodies). Expected measurements, REPORTDATA and minimum SVNs
 * are checked only when set. Immutable; build with {@link #builder()}, or read a policy document with
 * {@link #fromJson(byte[])} (whose defaults are {@link #relyingParty()}'s).
 */
public final class TdPolicy {
    private static final HexFormat HEX = HexFormat.of();

    private final boolean allowDebug;
    private final boolean requireSeptVeDisable;
    private final Set<TcbStatus> acceptedStatuses;
    private final boolean acceptExpiredCollateral;
    private final Optional<Measurement> mrTd;
    private final Map<Integer, Measurement> rtmrs;
    private final Optional<Measurement> mrConfigId;
    private final Optional<Measurement> mrOwner;
    private final Optional<Measurement> mrOwnerConfig;
    private final Optional<Measurement> mrServiceTd;
    private final Optional<byte[]> minTeeTcbSvn;
    private final Optional<String> reportData;
    /**
     * {@link #toJson()}, written on first use and then kept: the policy is immutable, and writing it again for every
     * verification answer and every {@link #equals} showed in a profile of the server's {@code POST /verify}. A race
     * only writes the same string twice; a String is safe to publish without a lock.
     */
    private String json;

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
        this.reportData = b.reportData;
    }

    /** The default policy (see the class comment). */
    public static TdPolicy strict() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this policy's settings, to change some of them (e.g. command-line flags over a file). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.allowDebug = allowDebug;
        b.requireSeptVeDisable = requireSeptVeDisable;
        b.acceptedStatuses = EnumSet.copyOf(acceptedStatuses);
        b.acceptExpiredCollateral = acceptExpiredCollateral;
        b.mrTd = mrTd;
        b.rtmrs.putAll(rtmrs);
        b.mrConfigId = mrConfigId;
        b.mrOwner = mrOwner;
        b.mrOwnerConfig = mrOwnerConfig;
        b.mrServiceTd = mrServiceTd;
        b.minTeeTcbSvn = minTeeTcbSvn.map(byte[]::clone);
        b.reportData = reportData;
        return b;
    }

    /** Every rule {@code verified} breaks, in rule order; empty when the TD is acceptable. */
    public List<PolicyViolation> violations(VerificationResult.Verified verified) {
        Objects.requireNonNull(verified, "verified");
        List<PolicyViolation> out = new ArrayList<>();
        if (verified.tdQuote().isEmpty()) {
            out.add(new PolicyViolation(PolicyViolation.Rule.NOT_A_TD, "the quote is an SGX enclave quote",
                    "a TD quote (v4 or v5)", "an SGX enclave quote (v3)"));
            return List.copyOf(out);
        }
        TdQuoteBody body = verified.tdQuote().get().body();
        if (!allowDebug && body.tdAttributes().debug()) {
            String attributes = body.tdAttributes().toString();
            out.add(new PolicyViolation(PolicyViolation.Rule.DEBUG_TD, "TDATTRIBUTES " + attributes
                    + " has DEBUG set", "DEBUG clear", attributes));
        }
        if (requireSeptVeDisable && !body.tdAttributes().septVeDisable()) {
            String attributes = body.tdAttributes().toString();
            out.add(new PolicyViolation(PolicyViolation.Rule.SEPT_VE_DISABLE_OFF, "TDATTRIBUTES "
                    + attributes + " lacks SEPT_VE_DISABLE", "SEPT_VE_DISABLE set", attributes));
        }
        if (!acceptedStatuses.contains(verified.status())) {
            String accepted = acceptedStatuses.stream().map(TcbStatus::jsonName).sorted().toList().toString();
            String actual = verified.status().jsonName()
                    + (verified.advisoryIds().isEmpty() ? "" : " " + verified.advisoryIds());
            out.add(new PolicyViolation(PolicyViolation.Rule.TCB_STATUS_NOT_ACCEPTED, "TCB status "
                    + verified.status() + " (advisories " + verified.advisoryIds() + ") is not one of " + accepted,
                    "one of " + accepted, actual));
        }
        if (!acceptExpiredCollateral && verified.collateralExpired()) {
            String actual = verified.expiringItem() + " expired at " + verified.collateralExpiry();
            out.add(new PolicyViolation(PolicyViolation.Rule.COLLATERAL_EXPIRED, actual,
                    "collateral valid at the verification time", actual));
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
            expect(out, PolicyViolation.Rule.MRSERVICETD_MISMATCH, "MRSERVICETD", body.mrServiceTd().orElseThrow(),
                    mrServiceTd);
        } else if (mrServiceTd.isPresent() && !mrServiceTd.get().isZero()) {
            out.add(new PolicyViolation(PolicyViolation.Rule.MRSERVICETD_MISMATCH,
                    "a TDX 1.0 body has no MRSERVICETD; expected " + mrServiceTd.get(), mrServiceTd.get().hex(),
                    "none (TDX 1.0 body)"));
        }
        if (minTeeTcbSvn.isPresent()) {
            byte[] have = body.teeTcbSvn();
            byte[] min = minTeeTcbSvn.get();
            for (int i = 0; i < min.length; i++) {
                if (Byte.toUnsignedInt(have[i]) < Byte.toUnsignedInt(min[i])) {
                    out.add(new PolicyViolation(PolicyViolation.Rule.TEE_TCB_SVN_TOO_LOW, "TEE_TCB_SVN "
                            + HEX.formatHex(have) + " is below the minimum " + HEX.formatHex(min) + " at index " + i,
                            "every byte at least " + HEX.formatHex(min), HEX.formatHex(have)));
                    break;
                }
            }
        }
        expect(out, PolicyViolation.Rule.REPORT_DATA_MISMATCH, "REPORTDATA", body.reportData(), reportData);
        return List.copyOf(out);
    }

    /** Whether {@code verified} breaks no rule. */
    public boolean accepts(VerificationResult.Verified verified) {
        return violations(verified).isEmpty();
    }

    /**
     * Reads a policy document, the JSON form shared by {@code tdx4j verify --policy} and the verification server:
     * its schema is {@code td-policy.schema.json} in this package, described in tdx4j-attest's README. The
     * document's defaults are those of a relying party that names only what it checks, not those of
     * {@link #strict()}: a DEBUG TD is refused unless {@code allowDebug} is true, the TCB status must be UpToDate
     * unless {@code acceptedStatuses} says otherwise, and every other rule applies only when its field is present
     * (SEPT_VE_DISABLE, expired collateral and MRSERVICETD are not checked by default).
     *
     * @param json the document, UTF-8
     * @throws IllegalArgumentException with one sentence naming the field when the document is not a valid policy
     */
    public static TdPolicy fromJson(byte[] json) {
        return TdPolicyJson.parse(json, relyingParty());
    }

    /**
     * The policy with nothing set but the two rules every relying-party policy has: DEBUG refused, TCB status
     * UpToDate only. The starting point of {@link #fromJson(byte[])} and of the command line's policy flags.
     */
    public static Builder relyingParty() {
        return builder().requireSeptVeDisable(false).acceptExpiredCollateral(true).anyMrServiceTd();
    }

    /**
     * The JSON Schema (draft 2020-12) of the policy document {@link #fromJson(byte[])} reads, as text: for
     * editors, and for services that publish it.
     */
    public static String jsonSchema() {
        try (var in = TdPolicy.class.getResourceAsStream("td-policy.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("td-policy.schema.json is missing from the tdx4j-attest jar");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** This policy as a policy document ({@link #fromJson(byte[])} reads it back to an equal policy), compact JSON. */
    public String toJson() {
        String j = json;
        if (j == null) {
            j = TdPolicyJson.write(this);
            json = j;
        }
        return j;
    }

    boolean allowDebug() {
        return allowDebug;
    }

    boolean requireSeptVeDisable() {
        return requireSeptVeDisable;
    }

    Set<TcbStatus> acceptedStatuses() {
        return acceptedStatuses;
    }

    boolean acceptExpiredCollateral() {
        return acceptExpiredCollateral;
    }

    Optional<String> mrTd() {
        return mrTd.map(Measurement::hex);
    }

    Map<Integer, String> rtmrs() {
        Map<Integer, String> out = new TreeMap<>();
        rtmrs.forEach((i, m) -> out.put(i, m.hex()));
        return out;
    }

    Optional<String> mrConfigId() {
        return mrConfigId.map(Measurement::hex);
    }

    Optional<String> mrOwner() {
        return mrOwner.map(Measurement::hex);
    }

    Optional<String> mrOwnerConfig() {
        return mrOwnerConfig.map(Measurement::hex);
    }

    Optional<String> mrServiceTd() {
        return mrServiceTd.map(Measurement::hex);
    }

    Optional<String> minTeeTcbSvn() {
        return minTeeTcbSvn.map(HEX::formatHex);
    }

    Optional<String> reportData() {
        return reportData;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TdPolicy p && toJson().equals(p.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return "TdPolicy" + toJson();
    }

    /** A measurement rule; {@link Measurement#equals} compares in constant time. */
    private static void expect(List<PolicyViolation> out, PolicyViolation.Rule rule, String name, Measurement actual,
                               Optional<Measurement> expected) {
        if (expected.isPresent() && !actual.equals(expected.get())) {
            String want = expected.get().hex();
            out.add(new PolicyViolation(rule, name + " is " + actual.hex() + ", expected " + want, want,
                    actual.hex()));
        }
    }

    /** A byte-string rule (REPORTDATA), compared in constant time; {@code expected} is lower-case hex. */
    private static void expect(List<PolicyViolation> out, PolicyViolation.Rule rule, String name, byte[] actual,
                               Optional<String> expected) {
        if (expected.isPresent() && !MessageDigest.isEqual(actual, HEX.parseHex(expected.get()))) {
            String have = HEX.formatHex(actual);
            out.add(new PolicyViolation(rule, name + " is " + have + ", expected " + expected.get(),
                    expected.get(), have));
        }
    }

    /** Options of a {@link TdPolicy}. Measurements are 48 bytes of hex (any case). */
    public static final class Builder {
        private boolean allowDebug;
        private boolean requireSeptVeDisable = true;
        private Set<TcbStatus> acceptedStatuses = EnumSet.of(TcbStatus.UP_TO_DATE);
        private boolean acceptExpiredCollateral;
        private Optional<Measurement> mrTd = Optional.empty();
        private final Map<Integer, Measurement> rtmrs = new TreeMap<>();
        private Optional<Measurement> mrConfigId = Optional.empty();
        private Optional<Measurement> mrOwner = Optional.empty();
        private Optional<Measurement> mrOwnerConfig = Optional.empty();
        private Optional<Measurement> mrServiceTd = Optional.of(Measurement.zero());
        private Optional<byte[]> minTeeTcbSvn = Optional.empty();
        private Optional<String> reportData = Optional.empty();

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
            if (!hex.matches("[0-9a-fA-F]{32}")) {
                throw new IllegalArgumentException("TEE_TCB_SVN is 16 bytes of hex: " + hex);
            }
            byte[] b = HEX.parseHex(hex);
            if (b.length != 16) {
                throw new IllegalArgumentException("TEE_TCB_SVN is 16 bytes: " + hex);
            }
            this.minTeeTcbSvn = Optional.of(b);
            return this;
        }

        /**
         * Expected REPORTDATA: 1 to 64 bytes of hex (any case), padded with zero bytes to 64, as
         * {@code tdx4j quote --report-data} pads what it puts there.
         */
        public Builder reportData(String hex) {
            String h = hex.toLowerCase(Locale.ROOT);
            if (!h.matches("([0-9a-f]{2}){1,64}")) {
                throw new IllegalArgumentException("REPORTDATA must be 1 to 64 bytes of hex: " + hex);
            }
            this.reportData = Optional.of(h + "00".repeat(64 - h.length() / 2));
            return this;
        }

        public TdPolicy build() {
            return new TdPolicy(this);
        }

        private static Measurement measurement(String hex, String name) {
            if (!hex.matches("[0-9a-fA-F]{96}")) {
                throw new IllegalArgumentException(name + " must be 48 bytes of hex: " + hex);
            }
            return Measurement.ofHex(hex);
        }
    }
}
