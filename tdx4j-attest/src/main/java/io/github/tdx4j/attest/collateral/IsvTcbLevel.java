package io.github.tdx4j.attest.collateral;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A TCB level keyed by one ISV SVN: the levels of a QE identity (QE ISVSVN) and of a TDX module identity (TDX module
 * SVN, TEE_TCB_SVN[0]).
 *
 * @param isvSvn      the lowest SVN this level applies to
 * @param tcbDate     the date of the TCB level
 * @param status      the status of a platform at this level
 * @param advisoryIds the Intel security advisories that apply (may be empty)
 */
public record IsvTcbLevel(int isvSvn, Instant tcbDate, TcbStatus status, List<String> advisoryIds) {
    /**
     * Highest ISV SVN first, and among levels of one SVN the latest tcbDate first (Intel QVL
     * {@code IdentityTcbLevel::operator>}): the first level whose SVN the platform meets is its level.
     */
    static final Comparator<IsvTcbLevel> DESCENDING = Comparator.comparingInt(IsvTcbLevel::isvSvn)
            .thenComparing(IsvTcbLevel::tcbDate).reversed();

    public IsvTcbLevel {
        Objects.requireNonNull(tcbDate, "tcbDate");
        Objects.requireNonNull(status, "status");
        advisoryIds = List.copyOf(advisoryIds);
    }
}
