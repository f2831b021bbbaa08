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
 * SGX quotes (Intel QVL {@code Verifiers/Checks/TcbLevelCheck.cpp}, {@code TdxModuleCheck.cpp},
 * {@code TDRelaunchCheck.cpp}; spec step ids 4.1.2.4.17.*). No signatures are checked here.
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

    static Outcome evaluate(TcbInfo info, Input in) throws Failure {
        boolean tdx = in.teeTcbSvn() != null;
        // 4.1.2.4.17.1-3: the SGX level is the first level the PCK TCB meets; for TDX, the TDX level is the first of
        // those levels that TEE_TCB_SVN also meets.
        TcbLevel sgxLevel = null;
        TcbLevel tdxLevel = null;
        for (TcbLevel level : info.tcbLevels()) {
            if (!sgxMeets(in.pckCpuSvnComponents(), in.pckPceSvn(), level)) {
                continue;
            }
            if (sgxLevel == null) {
                sgxLevel = level;
            }
            if (!tdx || tdxMeets(in.teeTcbSvn(), level)) {
                tdxLevel = level;
                break;
            }
        }
        if (sgxLevel == null) {
            throw new Failure(ErrorCode.TCB_NOT_SUPPORTED, "no TCB level matches the PCK certificate's TCB (CPUSVN "
                    + java.util.Arrays.toString(in.pckCpuSvnComponents()) + ", PCESVN " + in.pckPceSvn() + ")");
        }
        TcbStatus qeStatus = in.qeLevel().map(IsvTcbLevel::status).orElse(null);
        List<String> qeAdvisories = in.qeLevel().map(IsvTcbLevel::advisoryIds).orElse(List.of());
        if (!tdx) {
            return new Outcome(convergeWithQe(sgxLevel.status(), in.qeLevel()),
                    union(sgxLevel.advisoryIds(), List.of(), qeAdvisories), sgxLevel.status(), Optional.empty(),
                    qeStatus);
        }
        if (tdxLevel == null) {
            throw new Failure(ErrorCode.TCB_NOT_SUPPORTED, "no TCB level matches the quote's TEE_TCB_SVN "
                    + hex(in.teeTcbSvn()) + " among the levels the PCK TCB meets");
        }
        // 4.1.2.4.17.4.1: the TDX module's own status, from its identity's levels.
        Optional<IsvTcbLevel> moduleLevel = moduleLevel(info, in.teeTcbSvn());
        Optional<TcbStatus> moduleStatus = moduleLevel.map(IsvTcbLevel::status);
        TcbStatus status = convergeWithModule(tdxLevel.status(), moduleStatus);
        List<String> advisories = union(tdxLevel.advisoryIds(),
                moduleLevel.map(IsvTcbLevel::advisoryIds).orElse(List.of()), qeAdvisories);
        if (status == TcbStatus.REVOKED) {
            // A revoked TDX TCB is final: Intel QVL checkTcbLevel returns it before any QE convergence, so even a
            // QE ISVSVN below every QE identity level reports Revoked, not TCB_NOT_SUPPORTED.
            return new Outcome(status, advisories, tdxLevel.status(), moduleStatus, qeStatus);
        }
        if (in.teeTcbSvn2() != null) {
            // 4.1.2.4.17.4.3: TDX 1.5 TD-preserving module update.
            status = relaunch(info, in, sgxLevel.status(), status, moduleStatus);
        }
        status = convergeWithQe(status, in.qeLevel());
        return new Outcome(status, advisories, tdxLevel.status(), moduleStatus, qeStatus);
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
    private static Optional<IsvTcbLevel> moduleLevel(TcbInfo info, byte[] teeTcbSvn) throws Failure {
        int major = Byte.toUnsignedInt(teeTcbSvn[1]);
        if (major == 0) {
            return Optional.empty();
        }
        TdxModuleIdentity identity = moduleIdentity(info, major).orElseThrow(() -> new Failure(
                ErrorCode.TDX_MODULE_MISMATCH, "TCB info has no TDX module identity " + moduleIdentityId(major)));
        int minor = Byte.toUnsignedInt(teeTcbSvn[0]);
        return Optional.of(identity.tcbLevels().stream().filter(l -> minor >= l.isvSvn()).findFirst()
                .orElseThrow(() -> new Failure(ErrorCode.TCB_NOT_SUPPORTED, "TDX module " + identity.id()
                        + " has no TCB level for module SVN " + minor)));
    }

    /** Intel QVL {@code convergeTcbStatusWithTdxModuleStatus}. */
    static TcbStatus convergeWithModule(TcbStatus level, Optional<TcbStatus> module) {
        if (module.isEmpty()) {
            return level;
        }
        return switch (module.get()) {
            case OUT_OF_DATE -> switch (level) {
                case UP_TO_DATE, SW_HARDENING_NEEDED -> TcbStatus.OUT_OF_DATE;
                case CONFIGURATION_NEEDED, CONFIGURATION_AND_SW_HARDENING_NEEDED -> TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED;
                default -> level;
            };
            case REVOKED -> TcbStatus.REVOKED;
            default -> level;
        };
    }

    /** Intel QVL {@code convergeTcbStatusWithQeTcbStatus}; an absent QE level means TCB_NOT_SUPPORTED. */
    static TcbStatus convergeWithQe(TcbStatus status, Optional<IsvTcbLevel> qeLevel) throws Failure {
        if (qeLevel.isEmpty()) {
            throw new Failure(ErrorCode.TCB_NOT_SUPPORTED, "no QE identity TCB level matches the QE report's ISVSVN");
        }
        return switch (qeLevel.get().status()) {
            case OUT_OF_DATE -> switch (status) {
                case UP_TO_DATE, SW_HARDENING_NEEDED -> TcbStatus.OUT_OF_DATE;
                case CONFIGURATION_NEEDED, CONFIGURATION_AND_SW_HARDENING_NEEDED -> TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED;
                default -> status;
            };
            case REVOKED -> TcbStatus.REVOKED;
            default -> status;
        };
    }

    /**
     * TDX 1.5 TD relaunch advice (Intel QVL {@code checkForRelaunch}): the platform was updated by a TD-preserving
     * module update after this TD started, so the TD reports the old module (TDX status OutOfDate because of the
     * module) while the platform already runs a current one (TEE_TCB_SVN_2, the SVNs a relaunched TD would get,
     * meets the newest level). Relaunching the TD would make it current.
     */
    private static TcbStatus relaunch(TcbInfo info, Input in, TcbStatus sgxStatus, TcbStatus tdxStatus,
                                      Optional<TcbStatus> moduleStatus) throws Failure {
        Optional<TcbStatus> qe = in.qeLevel().map(IsvTcbLevel::status);
        boolean qeOk = qe.isPresent() && qe.get() != TcbStatus.OUT_OF_DATE && qe.get() != TcbStatus.REVOKED;
        boolean sgxOk = sgxStatus == TcbStatus.UP_TO_DATE || sgxStatus == TcbStatus.SW_HARDENING_NEEDED
                || sgxStatus == TcbStatus.CONFIGURATION_NEEDED
                || sgxStatus == TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED;
        boolean tdxOld = tdxStatus == TcbStatus.OUT_OF_DATE || tdxStatus == TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED;
        if (!qeOk || !sgxOk || !tdxOld || moduleStatus.orElse(null) != TcbStatus.OUT_OF_DATE) {
            return tdxStatus;
        }
        byte[] svn2 = in.teeTcbSvn2();
        TcbLevel latest = info.tcbLevels().getFirst();
        int minor2 = Byte.toUnsignedInt(svn2[0]);
        int major2 = Byte.toUnsignedInt(svn2[1]);
        int microcode2 = Byte.toUnsignedInt(svn2[2]);
        int latestModuleSvn;
        if (major2 == 0) {
            latestModuleSvn = latest.tdxComponents().get(0);
        } else {
            TdxModuleIdentity identity2 = moduleIdentity(info, major2).orElseThrow(() -> new Failure(
                    ErrorCode.TDX_MODULE_MISMATCH, "TCB info has no TDX module identity " + moduleIdentityId(major2)
                            + " (TEE_TCB_SVN_2)"));
            if (identity2.tcbLevels().isEmpty()) {
                throw new Failure(ErrorCode.TCB_NOT_SUPPORTED, "TDX module " + identity2.id() + " has no TCB level");
            }
            latestModuleSvn = identity2.tcbLevels().getFirst().isvSvn();
        }
        if (minor2 >= latestModuleSvn && microcode2 >= latest.tdxComponents().get(2)) {
            return sgxStatus.configurationNeeded() || tdxStatus.configurationNeeded()
                    ? TcbStatus.TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED : TcbStatus.TD_RELAUNCH_ADVISED;
        }
        return tdxStatus;
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
