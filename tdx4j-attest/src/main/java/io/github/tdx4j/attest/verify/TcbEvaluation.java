package io.github.tdx4j.attest.verify;

import io.github.tdx4j.attest.collateral.IsvTcbLevel;
import io.github.tdx4j.attest.collateral.QeIdentity;
import io.github.tdx4j.attest.collateral.TcbInfo;
import io.github.tdx4j.attest.collateral.TcbLevel;
import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.collateral.TdxModuleIdentity;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The TCB status of a platform from plain inputs: Intel's TCB level selection and status convergence for TDX and
 * SGX quotes (Intel QVL, intel/confidential-computing.tee.dcap.qvl
 * {@code Src/AttestationLibrary/src/Verifiers/Checks/TcbLevelCheck.cpp}, {@code EvaluateTcb.cpp},
 * {@code TdxModuleCheck.cpp}, {@code TDRelaunchCheck.cpp}; spec step ids 4.1.2.5.*). No signatures are checked here.
 */
final class TcbEvaluation {
    private TcbEvaluation() {
    }

    /**
     * The inputs.
     *
     * @param pckCpuSvnComponents the 16 SGX TCB component SVNs of the PCK certificate
     * @param pckPceSvn           the PCESVN of the PCK certificate
     * @param teeTcbSvn           the quote's TEE_TCB_SVN (16 bytes); null for an SGX quote
     * @param teeTcbSvn2          the quote's TEE_TCB_SVN_2 (16 bytes) for a TDX 1.5 body; otherwise null
     * @param qeLevel             the QE identity level of the QE report's ISVSVN; empty when none matches
     */
    record Input(int[] pckCpuSvnComponents, int pckPceSvn, byte[] teeTcbSvn, byte[] teeTcbSvn2,
                 Optional<IsvTcbLevel> qeLevel) {
    }

    /**
     * The result: the converged status and the statuses it came from.
     *
     * @param status         the converged TCB status
     * @param advisoryIds    advisories of the platform level, the module level and the QE level, in that order,
     *                       without duplicates
     * @param platformStatus status of the selected platform TCB level (the TDX level for TDX)
     * @param moduleStatus   status of the TDX module identity level; empty for SGX and for TEE_TCB_SVN[1] = 0
     * @param qeStatus       status of the QE identity level
     */
    record Outcome(TcbStatus status, List<String> advisoryIds, TcbStatus platformStatus,
                   Optional<TcbStatus> moduleStatus, TcbStatus qeStatus) {
    }

    /** The QE identity level for a QE report ISVSVN: the first (highest) level whose isvsvn ≤ the report's. */
    static Optional<IsvTcbLevel> qeLevel(QeIdentity identity, int isvSvn) {
        return identity.tcbLevels().stream().filter(l -> isvSvn >= l.isvSvn()).findFirst();
    }

    /** The identity id of a TDX module major version: {@code TDX_%02X} (Intel QVL {@code findTdxModuleIdentity}). */
    static String moduleIdentityId(int majorVersion) {
        return String.format(Locale.ROOT, "TDX_%02X", majorVersion);
    }

    /** The module identity {@code TDX_%02X} of {@code majorVersion}, compared case-insensitively as Intel does. */
    static Optional<TdxModuleIdentity> moduleIdentity(TcbInfo info, int majorVersion) {
        String id = moduleIdentityId(majorVersion);
        return info.tdxModuleIdentities().stream().filter(m -> m.id().equalsIgnoreCase(id)).findFirst();
    }

    /**
     * 4.1.2.5.18 (SGX) and 4.1.2.5.19 (TDX) of Intel's current QVL ({@code TcbLevelCheck.cpp checkTcbLevel},
     * {@code EvaluateTcb.cpp}). For a TDX 1.5 body the TCB is evaluated a second time with TEE_TCB_SVN_2 (the SVNs
     * of the module the platform runs now, after TD-preserving updates); that evaluation must succeed too, and its
     * status decides whether a relaunch is advised (4.1.2.5.1.20).
     */
    static Outcome evaluate(TcbInfo info, Input in) throws Refusal {
        if (in.teeTcbSvn() == null) {
            TcbLevel platform = info.tcbLevels().stream()
                    .filter(l -> sgxMeets(in.pckCpuSvnComponents(), in.pckPceSvn(), l)).findFirst()
                    .orElseThrow(() -> notSupported(in));
            IsvTcbLevel qe = qeLevelOrFail(in);
            TcbStatus status = converge(platform.status(), List.of(qe.status()));
            return new Outcome(status, union(platform.advisoryIds(), List.of(), qe.advisoryIds()), platform.status(),
                    Optional.empty(), qe.status());
        }
        Outcome launch = tdxEvaluate(info, in, in.teeTcbSvn(), "TEE_TCB_SVN");
        if (in.teeTcbSvn2() == null) {
            return launch;
        }
        Outcome current = tdxEvaluate(info, in, in.teeTcbSvn2(), "TEE_TCB_SVN_2");
        return new Outcome(relaunch(launch.status(), current.status()), launch.advisoryIds(),
                launch.platformStatus(), launch.moduleStatus(), launch.qeStatus());
    }

    /**
     * Intel QVL {@code tdxEvaluateTCB} (4.1.2.5.2): the platform level is the first level (newest first) the PCK's
     * SGX components and PCESVN and {@code svn}'s TDX components meet; the module level, when {@code svn[1]} names a
     * module major version, is the first level of identity {@code TDX_%02X} at or below {@code svn[0]}; the QE level
     * the first at or below the QE's ISVSVN. Any of them missing is TCB_NOT_SUPPORTED.
     */
    private static Outcome tdxEvaluate(TcbInfo info, Input in, byte[] svn, String field) throws Refusal {
        TcbLevel platform = null;
        for (TcbLevel level : info.tcbLevels()) {
            if (sgxMeets(in.pckCpuSvnComponents(), in.pckPceSvn(), level) && tdxMeets(svn, level)) {
                platform = level;
                break;
            }
        }
        if (platform == null) {
            throw new Refusal(ErrorCode.TCB_NOT_SUPPORTED, "no TCB level matches the PCK certificate's TCB (CPUSVN "
                    + java.util.Arrays.toString(in.pckCpuSvnComponents()) + ", PCESVN " + in.pckPceSvn()
                    + ") together with the quote's " + field + " " + hex(svn));
        }
        Optional<IsvTcbLevel> module = moduleLevel(info, svn, field);
        IsvTcbLevel qe = qeLevelOrFail(in);
        List<TcbStatus> components = new ArrayList<>(2);
        module.ifPresent(m -> components.add(m.status()));
        components.add(qe.status());
        TcbStatus status = converge(platform.status(), components);
        return new Outcome(status, union(platform.advisoryIds(),
                module.map(IsvTcbLevel::advisoryIds).orElse(List.of()), qe.advisoryIds()), platform.status(),
                module.map(IsvTcbLevel::status), qe.status());
    }

    private static Refusal notSupported(Input in) {
        return new Refusal(ErrorCode.TCB_NOT_SUPPORTED, "no TCB level matches the PCK certificate's TCB (CPUSVN "
                + java.util.Arrays.toString(in.pckCpuSvnComponents()) + ", PCESVN " + in.pckPceSvn() + ")");
    }

    /** Intel QVL {@code applyQeIdentity}: no QE identity level for the QE's ISVSVN is TCB_NOT_SUPPORTED. */
    private static IsvTcbLevel qeLevelOrFail(Input in) throws Refusal {
        return in.qeLevel().orElseThrow(() -> new Refusal(ErrorCode.TCB_NOT_SUPPORTED,
                "no QE identity TCB level matches the QE report's ISVSVN"));
    }

    /** Every PCK component SVN ≥ the level's, and PCESVN ≥ the level's (4.1.2.4.17.1, 4.1.2.4.17.2). */
    static boolean sgxMeets(int[] pckComponents, int pceSvn, TcbLevel level) {
        for (int i = 0; i < TcbLevel.COMPONENTS; i++) {
            if (pckComponents[i] < level.sgxComponents().get(i)) {
                return false;
            }
        }
        return pceSvn >= level.pceSvn();
    }

    /**
     * Every TEE_TCB_SVN byte ≥ the level's TDX component, starting at index 2 when TEE_TCB_SVN[1] > 0: then bytes 0
     * and 1 are the module's minor SVN and major version, judged by the module identity instead
     * (Intel QVL {@code isTdxTcbHigherOrEqual}).
     */
    static boolean tdxMeets(byte[] teeTcbSvn, TcbLevel level) {
        int start = Byte.toUnsignedInt(teeTcbSvn[1]) > 0 ? 2 : 0;
        for (int i = start; i < TcbLevel.COMPONENTS; i++) {
            if (Byte.toUnsignedInt(teeTcbSvn[i]) < level.tdxComponents().get(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The module identity level (Intel QVL {@code checkTdxModuleTcbStatus}): none when TEE_TCB_SVN[1] = 0 (the
     * module is then judged by the TDX components alone); otherwise the first level of identity {@code TDX_%02X}
     * with isvsvn ≤ TEE_TCB_SVN[0].
     */
    private static Optional<IsvTcbLevel> moduleLevel(TcbInfo info, byte[] teeTcbSvn, String field) throws Refusal {
        int major = Byte.toUnsignedInt(teeTcbSvn[1]);
        if (major == 0) {
            return Optional.empty();
        }
        // Intel QVL tdxEvaluateTCB 4.1.2.5.2.2.1: a missing identity here is TCB_NOT_SUPPORTED (the identity of
        // TEE_TCB_SVN[1] was already required by 4.1.2.4.11; this also covers TEE_TCB_SVN_2[1]).
        TdxModuleIdentity identity = moduleIdentity(info, major).orElseThrow(() -> new Refusal(
                ErrorCode.TCB_NOT_SUPPORTED, "TCB info has no TDX module identity " + moduleIdentityId(major)
                        + " for " + field));
        int minor = Byte.toUnsignedInt(teeTcbSvn[0]);
        return Optional.of(identity.tcbLevels().stream().filter(l -> minor >= l.isvSvn()).findFirst()
                .orElseThrow(() -> new Refusal(ErrorCode.TCB_NOT_SUPPORTED, "TDX module " + identity.id()
                        + " has no TCB level for module SVN " + minor + " (" + field + ")")));
    }

    /**
     * Intel QVL {@code convergeTcbStatuses}: the platform level's status, made OutOfDate (UpToDate,
     * SWHardeningNeeded) or OutOfDateConfigurationNeeded (ConfigurationNeeded, ConfigurationAndSWHardeningNeeded)
     * when any component (module, QE) is OutOfDate, and Revoked when any component is Revoked.
     */
    static TcbStatus converge(TcbStatus platform, List<TcbStatus> components) {
        TcbStatus status = platform;
        if (components.contains(TcbStatus.OUT_OF_DATE)) {
            status = switch (platform) {
                case UP_TO_DATE, SW_HARDENING_NEEDED -> TcbStatus.OUT_OF_DATE;
                case CONFIGURATION_NEEDED, CONFIGURATION_AND_SW_HARDENING_NEEDED ->
                        TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED;
                default -> platform;
            };
        }
        if (components.contains(TcbStatus.REVOKED)) {
            status = TcbStatus.REVOKED;
        }
        return status;
    }

    /**
     * Intel QVL {@code checkForRelaunch} (4.1.2.5.1.20.2): a TD whose launch TCB is OutOfDate[ConfigurationNeeded]
     * on a platform whose current TCB (TEE_TCB_SVN_2) is UpToDate, SWHardeningNeeded, ConfigurationNeeded or
     * ConfigurationAndSWHardeningNeeded would be current after a relaunch: TDRelaunchAdvised, with the
     * ConfigurationNeeded variant when either status needs configuration. Otherwise the launch status stands (so
     * no relaunch is advised when the current TCB is itself OutOfDate).
     */
    static TcbStatus relaunch(TcbStatus launch, TcbStatus current) {
        boolean launchOld = launch == TcbStatus.OUT_OF_DATE || launch == TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED;
        boolean currentOk = current == TcbStatus.UP_TO_DATE || current == TcbStatus.SW_HARDENING_NEEDED
                || current == TcbStatus.CONFIGURATION_NEEDED || current == TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED;
        if (!launchOld || !currentOk) {
            return launch;
        }
        return launch.configurationNeeded() || current.configurationNeeded()
                ? TcbStatus.TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED : TcbStatus.TD_RELAUNCH_ADVISED;
    }

    private static List<String> union(List<String> a, List<String> b, List<String> c) {
        Set<String> s = new LinkedHashSet<>(a);
        s.addAll(b);
        s.addAll(c);
        return List.copyOf(new ArrayList<>(s));
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }
}
