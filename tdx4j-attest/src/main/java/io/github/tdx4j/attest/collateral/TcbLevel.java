package io.github.tdx4j.attest.collateral;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One platform TCB level of a TCB info: the minimum component SVNs a platform needs to have this level's status.
 *
 * <p>Intel PCS API v4, "TDX TCB Info" {@code tcbLevels[].tcb}: 16 SGX TCB component SVNs (compared with the PCK
 * certificate's CPUSVN components), the PCE SVN, and for TDX 16 TDX TCB component SVNs (compared with the quote's
 * TEE_TCB_SVN). SVNs are kept as ints; the parser admits 0..255 only (see {@link TcbInfo#parse}).
 *
 * @param sgxComponents the 16 SGX TCB component SVNs
 * @param pceSvn        the PCE SVN
 * @param tdxComponents the 16 TDX TCB component SVNs; empty in an SGX TCB info
 * @param tcbDate       the date of the TCB level
 * @param status        the status of a platform at this level
 * @param advisoryIds   the Intel security advisories that apply (may be empty)
 */
public record TcbLevel(List<Integer> sgxComponents, int pceSvn, List<Integer> tdxComponents, Instant tcbDate,
                       TcbStatus status, List<String> advisoryIds) {
    /** Number of SGX and of TDX TCB components: 16 each. */
    public static final int COMPONENTS = 16;

    /**
     * Intel's order of TCB levels, newest first: SGX components compared lexicographically, then PCE SVN, then TDX
     * components (Intel QVL {@code TcbLevel::operator>}, used to sort {@code tcbLevels} before matching). The JSON
     * order is not trusted.
     */
    static final Comparator<TcbLevel> NEWEST_FIRST = ((Comparator<TcbLevel>) (a, b) -> {
        int c = lexicographic(a.sgxComponents, b.sgxComponents);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(a.pceSvn, b.pceSvn);
        if (c != 0) {
            return c;
        }
        return lexicographic(a.tdxComponents, b.tdxComponents);
    }).reversed();

    public TcbLevel {
        sgxComponents = List.copyOf(sgxComponents);
        tdxComponents = List.copyOf(tdxComponents);
        Objects.requireNonNull(tcbDate, "tcbDate");
        Objects.requireNonNull(status, "status");
        advisoryIds = List.copyOf(advisoryIds);
        if (sgxComponents.size() != COMPONENTS) {
            throw new IllegalArgumentException("16 SGX components expected: " + sgxComponents);
        }
        if (!tdxComponents.isEmpty() && tdxComponents.size() != COMPONENTS) {
            throw new IllegalArgumentException("0 or 16 TDX components expected: " + tdxComponents);
        }
    }

    private static int lexicographic(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
