package io.github.tdx4j.sim;

import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.abi.VeExitReason;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the simulated platform has seen: TDCALLs per leaf and per completion status, TDVMCALLs per sub-function and
 * per VMM status (R10), #VEs per exit reason, and every spec violation by the guest, by rule name.
 *
 * <p>Violation rule names are stable strings such as {@code module.tdcall.rax-reserved},
 * {@code module.vmcall.rcx-invalid}, {@code vmm.mapgpa.align}, {@code vmm.getquote.align}; the README lists them.
 * Counting allocates nothing after a key's first occurrence. Read under the TD's lock (the accessors take it).
 */
public final class SimCounters {
    private final Object lock;
    private final LongCounts leaves = new LongCounts();
    private final LongCounts leafStatus = new LongCounts();
    private final LongCounts subFunctions = new LongCounts();
    private final LongCounts subFunctionStatus = new LongCounts();
    private final LongCounts vendorCalls = new LongCounts();
    private final LongCounts ves = new LongCounts();
    private final Map<String, long[]> violations = new TreeMap<>();

    SimCounters(Object lock) {
        this.lock = lock;
    }

    // ---- recording (package-private; the module and the host call these under the lock) ----

    void tdcall(int leaf, long status) {
        leaves.increment(leaf);
        leafStatus.increment(leaf, status);
    }

    void tdvmcall(long r10In, long r11In, long r10Out) {
        if (r10In == 0) {
            subFunctions.increment(r11In);
            subFunctionStatus.increment(r11In, r10Out);
        } else {
            vendorCalls.increment(r10In);
        }
    }

    void ve(long exitReason) {
        ves.increment(exitReason);
    }

    void violation(String rule) {
        violations.computeIfAbsent(rule, k -> new long[1])[0]++;
    }

    // ---- reading ----

    /** TDCALLs of {@code leaf}, whatever their status. */
    public long tdcalls(TdcallLeaf leaf) {
        synchronized (lock) {
            return leaves.get(leaf.number());
        }
    }

    /** TDCALLs of {@code leaf} that completed with exactly {@code status} (operand id included). */
    public long tdcalls(TdcallLeaf leaf, TdxStatus status) {
        synchronized (lock) {
            return leafStatus.get(leaf.number(), status.raw());
        }
    }

    /** Standard TDVMCALLs (R10 = 0) with sub-function {@code fn} that reached the VMM. */
    public long tdvmcalls(TdvmcallSubFunction fn) {
        synchronized (lock) {
            return subFunctions.get(fn.raw());
        }
    }

    /** Standard TDVMCALLs of {@code fn} the VMM answered with {@code status} in R10. */
    public long tdvmcalls(TdvmcallSubFunction fn, TdvmcallStatus status) {
        synchronized (lock) {
            return subFunctionStatus.get(fn.raw(), status.raw());
        }
    }

    /** Vendor-specific TDVMCALLs (R10 != 0) with call number {@code nr}. */
    public long vendorTdvmcalls(long nr) {
        synchronized (lock) {
            return vendorCalls.get(nr);
        }
    }

    /** #VEs raised with {@code reason}. */
    public long ves(VeExitReason reason) {
        synchronized (lock) {
            return ves.get(reason.raw());
        }
    }

    /** Violations of {@code rule}. */
    public long violations(String rule) {
        synchronized (lock) {
            long[] c = violations.get(rule);
            return c == null ? 0 : c[0];
        }
    }

    /** Every violation rule seen, with its count, sorted by rule name. */
    public Map<String, Long> violations() {
        synchronized (lock) {
            Map<String, Long> m = new TreeMap<>();
            violations.forEach((k, v) -> m.put(k, v[0]));
            return m;
        }
    }

    /** The sum of all violation counts. */
    public long totalViolations() {
        synchronized (lock) {
            long t = 0;
            for (long[] v : violations.values()) {
                t += v[0];
            }
            return t;
        }
    }

    /** One line per counter group, for logs and failing tests. */
    @Override
    public String toString() {
        synchronized (lock) {
            StringBuilder sb = new StringBuilder();
            sb.append("tdcalls:");
            leaves.snapshot().forEach((k, v) -> sb.append(' ').append(new TdcallLeaf((int) (long) k)).append('=')
                    .append(v));
            sb.append("\ntdvmcalls:");
            subFunctions.snapshot().forEach((k, v) -> sb.append(' ').append(new TdvmcallSubFunction(k)).append('=')
                    .append(v));
            sb.append("\nves:");
            ves.snapshot().forEach((k, v) -> sb.append(' ').append(new VeExitReason(k)).append('=').append(v));
            sb.append("\nviolations: ").append(violations());
            return sb.toString();
        }
    }
}
