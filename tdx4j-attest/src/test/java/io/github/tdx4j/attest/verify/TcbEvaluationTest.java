package io.github.tdx4j.attest.verify;

import static io.github.tdx4j.attest.collateral.TcbStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.attest.collateral.IsvTcbLevel;
import io.github.tdx4j.attest.collateral.TcbInfo;
import io.github.tdx4j.attest.collateral.TcbLevel;
import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.collateral.TdxModuleIdentity;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Intel's TCB level selection and status convergence (current QVL EvaluateTcb, TcbLevelCheck, TDRelaunchCheck) on plain inputs. */
class TcbEvaluationTest {
    private static final Instant DATE = Instant.parse("2024-03-13T00:00:00Z");
    private static final String ZERO48 = "00".repeat(48);

    private static List<Integer> svns(int... first) {
        int[] all = Arrays.copyOf(first, 16);
        return IntStream.of(all).boxed().toList();
    }

    private static TcbLevel level(int sgx0, int pce, int[] tdx, TcbStatus status, String... advisories) {
        return new TcbLevel(svns(sgx0), pce, svns(tdx), DATE, status, List.of(advisories));
    }

    private static IsvTcbLevel isv(int svn, TcbStatus status, String... advisories) {
        return new IsvTcbLevel(svn, DATE, status, List.of(advisories));
    }

    private static TdxModuleIdentity module(String id, IsvTcbLevel... levels) {
        return new TdxModuleIdentity(id, ZERO48, "0000000000000000", "ffffffffffffffff", List.of(levels));
    }

    private static TcbInfo info(List<TdxModuleIdentity> modules, TcbLevel... levels) {
        return new TcbInfo("TDX", 3, DATE, DATE.plusSeconds(86400), "90c06f000000", "0000", 0, 18,
                Optional.of(module("")), modules, List.of(levels));
    }

    private static byte[] tee(int... first) {
        byte[] b = new byte[16];
        for (int i = 0; i < first.length; i++) {
            b[i] = (byte) first[i];
        }
        return b;
    }

    private static int[] pck(int sgx0) {
        int[] c = new int[16];
        c[0] = sgx0;
        return c;
    }

    private static TcbEvaluation.Outcome eval(TcbInfo info, int sgx0, byte[] tee, byte[] tee2, IsvTcbLevel qe)
            throws Refusal {
        return TcbEvaluation.evaluate(info, new TcbEvaluation.Input(pck(sgx0), 13, tee, tee2, Optional.ofNullable(qe)));
    }

    private static final IsvTcbLevel QE_OK = isv(4, UP_TO_DATE);

    @Test
    @DisplayName("Levels are tried newest first whatever the JSON order; the first the PCK and TEE_TCB_SVN meet wins")
    void newestFirst() throws Refusal {
        TcbInfo info = info(List.of(),
                level(1, 1, new int[] {1, 0, 1}, OUT_OF_DATE, "INTEL-SA-OLD"),
                level(3, 13, new int[] {5, 0, 3}, UP_TO_DATE),
                level(2, 13, new int[] {3, 0, 2}, SW_HARDENING_NEEDED, "INTEL-SA-00615"));
        assertThat(info.tcbLevels().getFirst().status()).isEqualTo(UP_TO_DATE);
        assertThat(eval(info, 3, tee(5, 0, 3), null, QE_OK).status()).isEqualTo(UP_TO_DATE);
        var mid = eval(info, 3, tee(4, 0, 3), null, QE_OK);
        assertThat(mid.status()).isEqualTo(SW_HARDENING_NEEDED);
        assertThat(mid.advisoryIds()).containsExactly("INTEL-SA-00615");
        assertThat(eval(info, 2, tee(9, 0, 9), null, QE_OK).status()).isEqualTo(SW_HARDENING_NEEDED);
    }

    @Test
    @DisplayName("No level the PCK TCB meets, or none TEE_TCB_SVN meets among them: TCB_NOT_SUPPORTED")
    void notSupported() {
        TcbInfo info = info(List.of(), level(3, 13, new int[] {5, 0, 3}, UP_TO_DATE));
        assertThatThrownBy(() -> eval(info, 2, tee(5, 0, 3), null, QE_OK))
                .isInstanceOfSatisfying(Refusal.class, f -> assertThat(f.code).isEqualTo(ErrorCode.TCB_NOT_SUPPORTED));
        assertThatThrownBy(() -> eval(info, 3, tee(5, 0, 2), null, QE_OK))
                .isInstanceOfSatisfying(Refusal.class, f -> assertThat(f.code).isEqualTo(ErrorCode.TCB_NOT_SUPPORTED));
    }

    @Test
    @DisplayName("Index-2 rule: with TEE_TCB_SVN[1] > 0, bytes 0 and 1 are not compared with tdxtcbcomponents (QVL isTdxTcbHigherOrEqual)")
    void indexTwoRule() throws Refusal {
        TcbInfo info = info(List.of(module("TDX_01", isv(4, UP_TO_DATE)), module("TDX_03", isv(3, UP_TO_DATE))),
                level(3, 13, new int[] {9, 9, 3}, UP_TO_DATE));
        // Module minor SVN 6 < 9 and major 1 < 9, yet the level matches: the module identity judges bytes 0, 1.
        var o = eval(info, 3, tee(6, 1, 3), null, QE_OK);
        assertThat(o.status()).isEqualTo(UP_TO_DATE);
        assertThat(o.moduleStatus()).contains(UP_TO_DATE);
        // With TEE_TCB_SVN[1] = 0 all 16 bytes count: 6 < 9 fails.
        assertThatThrownBy(() -> eval(info, 3, tee(6, 0, 3), null, QE_OK)).isInstanceOf(Refusal.class);
        assertThat(TcbEvaluation.tdxMeets(tee(6, 1, 3), info.tcbLevels().getFirst())).isTrue();
        assertThat(TcbEvaluation.tdxMeets(tee(6, 1, 2), info.tcbLevels().getFirst())).isFalse();
    }

    @Test
    @DisplayName("TCB_NOT_SUPPORTED says what matched nothing: the PCK's CPUSVN and PCESVN (SGX), and the TEE_TCB_SVN in hex (TDX)")
    void notSupportedMessages() {
        TcbInfo info = info(List.of(), level(3, 13, new int[] {5, 0, 3}, UP_TO_DATE));
        assertThatThrownBy(() -> TcbEvaluation.evaluate(info, new TcbEvaluation.Input(pck(2), 13, null, null,
                Optional.of(QE_OK)))).isInstanceOfSatisfying(Refusal.class, f -> {
                    assertThat(f.code).isEqualTo(ErrorCode.TCB_NOT_SUPPORTED);
                    assertThat(f.getMessage()).isEqualTo("no TCB level matches the PCK certificate's TCB (CPUSVN "
                            + "[2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], PCESVN 13)");
                });
        assertThatThrownBy(() -> eval(info, 3, tee(5, 0, 2), null, QE_OK)).isInstanceOfSatisfying(Refusal.class,
                f -> assertThat(f.getMessage()).endsWith("together with the quote's TEE_TCB_SVN "
                        + "05000200000000000000000000000000"));
    }

    @Test
    @DisplayName("Module SVN (TEE_TCB_SVN[0]) exactly a module level's isvsvn meets that level; one below falls to the next, older level")
    void moduleSvnAtTheLevelBound() throws Refusal {
        TcbInfo info = info(List.of(module("TDX_01", isv(4, UP_TO_DATE), isv(2, OUT_OF_DATE, "INTEL-SA-MODULE"))),
                level(3, 13, new int[] {0, 0, 3}, UP_TO_DATE));
        var atBound = eval(info, 3, tee(4, 1, 3), null, QE_OK);
        assertThat(atBound.moduleStatus()).contains(UP_TO_DATE);
        assertThat(atBound.status()).isEqualTo(UP_TO_DATE);
        var below = eval(info, 3, tee(3, 1, 3), null, QE_OK);
        assertThat(below.moduleStatus()).contains(OUT_OF_DATE);
        assertThat(below.status()).isEqualTo(OUT_OF_DATE);
        assertThat(below.advisoryIds()).containsExactly("INTEL-SA-MODULE");
    }

    @Test
    @DisplayName("Module identity TDX_%02X missing, or module SVN below every module level: TCB_NOT_SUPPORTED (QVL tdxEvaluateTCB 4.1.2.5.2.2)")
    void moduleIdentity() {
        TcbInfo info = info(List.of(module("tdx_01", isv(4, UP_TO_DATE))), level(3, 13, new int[] {0, 0, 3}, UP_TO_DATE));
        assertThat(TcbEvaluation.moduleIdentityId(0x1a)).isEqualTo("TDX_1A");
        assertThatThrownBy(() -> eval(info, 3, tee(6, 3, 3), null, QE_OK))
                .isInstanceOfSatisfying(Refusal.class, f -> assertThat(f.code).isEqualTo(ErrorCode.TCB_NOT_SUPPORTED));
        assertThatThrownBy(() -> eval(info, 3, tee(3, 1, 3), null, QE_OK))
                .isInstanceOfSatisfying(Refusal.class, f -> assertThat(f.code).isEqualTo(ErrorCode.TCB_NOT_SUPPORTED));
    }

    @Test
    @DisplayName("Any component OutOfDate turns UpToDate/SWHardening into OutOfDate and Configuration* into OutOfDateConfigurationNeeded; any Revoked wins (QVL convergeTcbStatuses)")
    void convergence() {
        var out = List.of(OUT_OF_DATE);
        assertThat(TcbEvaluation.converge(UP_TO_DATE, out)).isEqualTo(OUT_OF_DATE);
        assertThat(TcbEvaluation.converge(SW_HARDENING_NEEDED, out)).isEqualTo(OUT_OF_DATE);
        assertThat(TcbEvaluation.converge(CONFIGURATION_NEEDED, out)).isEqualTo(OUT_OF_DATE_CONFIGURATION_NEEDED);
        assertThat(TcbEvaluation.converge(CONFIGURATION_AND_SW_HARDENING_NEEDED, out))
                .isEqualTo(OUT_OF_DATE_CONFIGURATION_NEEDED);
        assertThat(TcbEvaluation.converge(OUT_OF_DATE_CONFIGURATION_NEEDED, out))
                .isEqualTo(OUT_OF_DATE_CONFIGURATION_NEEDED);
        assertThat(TcbEvaluation.converge(UP_TO_DATE, List.of(UP_TO_DATE, REVOKED))).isEqualTo(REVOKED);
        assertThat(TcbEvaluation.converge(CONFIGURATION_NEEDED, List.of(OUT_OF_DATE, REVOKED))).isEqualTo(REVOKED);
        assertThat(TcbEvaluation.converge(CONFIGURATION_NEEDED, List.of(UP_TO_DATE))).isEqualTo(CONFIGURATION_NEEDED);
        assertThat(TcbEvaluation.converge(SW_HARDENING_NEEDED, List.of())).isEqualTo(SW_HARDENING_NEEDED);
        assertThat(TcbEvaluation.converge(REVOKED, out)).isEqualTo(REVOKED);
    }

    @Test
    @DisplayName("QE OutOfDate / Revoked converge like the module; a QE ISVSVN below every level is TCB_NOT_SUPPORTED; advisories are unioned")
    void qeConvergence() throws Refusal {
        TcbInfo info = info(List.of(module("TDX_01", isv(4, UP_TO_DATE, "INTEL-SA-M"))),
                level(3, 13, new int[] {0, 0, 3}, CONFIGURATION_NEEDED, "INTEL-SA-P", "INTEL-SA-M"));
        var o = eval(info, 3, tee(4, 1, 3), null, isv(2, OUT_OF_DATE, "INTEL-SA-Q"));
        assertThat(o.status()).isEqualTo(OUT_OF_DATE_CONFIGURATION_NEEDED);
        assertThat(o.advisoryIds()).containsExactly("INTEL-SA-P", "INTEL-SA-M", "INTEL-SA-Q");
        assertThat(o.platformStatus()).isEqualTo(CONFIGURATION_NEEDED);
        assertThat(o.qeStatus()).isEqualTo(OUT_OF_DATE);
        assertThat(eval(info, 3, tee(4, 1, 3), null, isv(2, REVOKED)).status()).isEqualTo(REVOKED);
        assertThatThrownBy(() -> eval(info, 3, tee(4, 1, 3), null, null))
                .isInstanceOfSatisfying(Refusal.class, f -> assertThat(f.code).isEqualTo(ErrorCode.TCB_NOT_SUPPORTED));
    }

    @Test
    @DisplayName("A Revoked TDX TCB with no QE level for the QE's ISVSVN is TCB_NOT_SUPPORTED, not Revoked (current QVL applyQeIdentity; the 2024 QVL returned Revoked first)")
    void revokedStillNeedsQeLevel() {
        TcbInfo revokedModule = info(List.of(module("TDX_01", isv(4, REVOKED))),
                level(3, 13, new int[] {0, 0, 3}, UP_TO_DATE));
        assertThatThrownBy(() -> eval(revokedModule, 3, tee(4, 1, 3), null, null))
                .isInstanceOfSatisfying(Refusal.class, f -> assertThat(f.code).isEqualTo(ErrorCode.TCB_NOT_SUPPORTED));
        TcbInfo revokedLevel = info(List.of(), level(3, 13, new int[] {0, 0, 3}, REVOKED));
        assertThatThrownBy(() -> eval(revokedLevel, 3, tee(0, 0, 3), null, null))
                .isInstanceOfSatisfying(Refusal.class, f -> assertThat(f.code).isEqualTo(ErrorCode.TCB_NOT_SUPPORTED));
        assertThatThrownBy(() -> TcbEvaluation.evaluate(revokedLevel,
                new TcbEvaluation.Input(pck(3), 13, null, null, Optional.empty())))
                .isInstanceOfSatisfying(Refusal.class, f -> assertThat(f.code).isEqualTo(ErrorCode.TCB_NOT_SUPPORTED));
    }

    @Test
    @DisplayName("TDX 1.5: launch OutOfDate and current (TEE_TCB_SVN_2) UpToDate gives TDRelaunchAdvised (ConfigurationNeeded variant kept); current OutOfDate: no advice")
    void relaunch() throws Refusal {
        TcbInfo info = info(List.of(module("TDX_01", isv(6, UP_TO_DATE), isv(2, OUT_OF_DATE))),
                level(3, 13, new int[] {0, 0, 5}, UP_TO_DATE),
                level(3, 13, new int[] {0, 0, 3}, OUT_OF_DATE));
        // The TD runs module 1.4 with microcode 3; the platform now has module 1.6 and microcode 5.
        byte[] running = tee(4, 1, 3);
        assertThat(eval(info, 3, running, null, QE_OK).status()).isEqualTo(OUT_OF_DATE);
        assertThat(eval(info, 3, running, tee(6, 1, 5), QE_OK).status()).isEqualTo(TD_RELAUNCH_ADVISED);
        // Platform not fully updated (microcode 4 < 5): the current TCB is OutOfDate too, no advice.
        assertThat(eval(info, 3, running, tee(6, 1, 4), QE_OK).status()).isEqualTo(OUT_OF_DATE);
        // QE out of date: the current TCB is OutOfDate as well, no advice.
        assertThat(eval(info, 3, running, tee(6, 1, 5), isv(4, OUT_OF_DATE)).status()).isEqualTo(OUT_OF_DATE);

        TcbInfo config = info(List.of(module("TDX_01", isv(6, UP_TO_DATE), isv(2, OUT_OF_DATE))),
                level(3, 13, new int[] {0, 0, 3}, CONFIGURATION_NEEDED));
        assertThat(eval(config, 3, running, tee(6, 1, 3), QE_OK).status())
                .isEqualTo(TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED);
    }

    @Test
    @DisplayName("TDX 1.5: the newest module level itself OutOfDate gives no relaunch advice (current QVL; the 2024 QVL advised TDRelaunchAdvised)")
    void noRelaunchWhenNewestModuleIsOutOfDate() throws Refusal {
        TcbInfo info = info(List.of(module("TDX_01", isv(6, OUT_OF_DATE), isv(2, OUT_OF_DATE))),
                level(3, 13, new int[] {0, 0, 5}, UP_TO_DATE),
                level(3, 13, new int[] {0, 0, 3}, OUT_OF_DATE));
        assertThat(eval(info, 3, tee(4, 1, 3), tee(6, 1, 5), QE_OK).status()).isEqualTo(OUT_OF_DATE);
    }

    @Test
    @DisplayName("TDX 1.5: TEE_TCB_SVN_2 that matches no level, or names an unknown module, fails with TCB_NOT_SUPPORTED even when TEE_TCB_SVN is UpToDate (QVL 4.1.2.5.1.20.1)")
    void teeTcbSvn2MustMatch() {
        TcbInfo info = info(List.of(module("TDX_01", isv(6, UP_TO_DATE), isv(2, OUT_OF_DATE))),
                level(3, 13, new int[] {0, 0, 5}, UP_TO_DATE));
        assertThatThrownBy(() -> eval(info, 3, tee(6, 1, 5), tee(1, 1, 5), QE_OK))
                .isInstanceOfSatisfying(Refusal.class, f -> assertThat(f.code).isEqualTo(ErrorCode.TCB_NOT_SUPPORTED));
        assertThatThrownBy(() -> eval(info, 3, tee(6, 1, 5), tee(6, 1, 4), QE_OK))
                .isInstanceOfSatisfying(Refusal.class, f -> assertThat(f.code).isEqualTo(ErrorCode.TCB_NOT_SUPPORTED));
        assertThatThrownBy(() -> eval(info, 3, tee(6, 1, 5), tee(6, 3, 5), QE_OK))
                .isInstanceOfSatisfying(Refusal.class, f -> assertThat(f.code).isEqualTo(ErrorCode.TCB_NOT_SUPPORTED));
    }
}
