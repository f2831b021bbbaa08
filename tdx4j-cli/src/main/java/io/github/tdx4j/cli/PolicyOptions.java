package io.github.tdx4j.cli;

import io.github.tdx4j.attest.collateral.TcbStatus;
import io.github.tdx4j.attest.policy.TdPolicy;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The policy options of {@code tdx4j verify}: a policy document ({@code --policy FILE}, read by
 * {@link TdPolicy#fromJson(byte[])}) and flags for its common fields, which override the file's. Given none, there
 * is no policy; given any, the policy starts from {@link TdPolicy#relyingParty()}: DEBUG refused unless
 * {@code --allow-debug}, TCB status UpToDate only unless {@code --accept-status}.
 */
final class PolicyOptions {
    @Option(names = "--policy", paramLabel = "FILE",
            description = "A policy document (JSON; its schema is td-policy.schema.json, see the README). Flags below override its fields.")
    Path policyFile;

    @Option(names = "--mrtd", paramLabel = "HEX", description = "Expected MRTD (48 bytes of hex).")
    String mrTd;

    @Option(names = "--rtmr", paramLabel = "N=HEX",
            description = "Expected RTMR N (0..3), 48 bytes of hex; repeat for several RTMRs.")
    List<String> rtmrs;

    @Option(names = "--report-data", paramLabel = "HEX",
            description = "Expected REPORTDATA: 1 to 64 bytes of hex, zero-padded to 64 as tdx4j quote --report-data pads it.")
    String reportData;

    @Option(names = "--mrconfigid", paramLabel = "HEX", description = "Expected MRCONFIGID (48 bytes of hex).")
    String mrConfigId;

    @Option(names = "--allow-debug", description = "Accept a DEBUG TD (refused by any policy otherwise).")
    boolean allowDebug;

    @Option(names = "--require-sept-ve-disable", description = "Require TDATTRIBUTES.SEPT_VE_DISABLE.")
    boolean requireSeptVeDisable;

    @Option(names = "--accept-status", paramLabel = "LIST", split = ",",
            description = "TCB statuses to accept, comma-separated, e.g. UpToDate,SWHardeningNeeded (default with a policy: UpToDate).")
    List<String> acceptStatuses;

    @Option(names = "--min-tee-tcb-svn", paramLabel = "HEX",
            description = "Minimum TEE_TCB_SVN, 16 bytes of hex compared byte by byte.")
    String minTeeTcbSvn;

    @Option(names = "--reject-expired-collateral",
            description = "Fail when the collateral had expired at the verification time.")
    boolean rejectExpiredCollateral;

    /** A policy option whose value is wrong; the message is one sentence naming the option. */
    static final class BadPolicy extends Exception {
        private static final long serialVersionUID = 1L;

        BadPolicy(String message) {
            super(message);
        }
    }

    /** Whether any policy option was given. */
    boolean given() {
        return policyFile != null || mrTd != null || rtmrs != null || reportData != null || mrConfigId != null
                || allowDebug || requireSeptVeDisable || acceptStatuses != null || minTeeTcbSvn != null
                || rejectExpiredCollateral;
    }

    /**
     * The policy the options describe, empty when none was given.
     *
     * @throws BadPolicy            if a value or the policy document is not valid
     * @throws CliFiles.FileFailure if the policy file cannot be read
     */
    Optional<TdPolicy> policy() throws BadPolicy, CliFiles.FileFailure {
        if (!given()) {
            return Optional.empty();
        }
        TdPolicy.Builder b;
        if (policyFile != null) {
            byte[] document = CliFiles.read(policyFile);
            // Not text, not JSON, not an object: one sentence of ours, not the JSON parser's message.
            JsonInput.object(document, policyFile, "a policy document");
            try {
                b = TdPolicy.fromJson(document).toBuilder();
            } catch (IllegalArgumentException e) {
                throw new BadPolicy(CliPaths.show(policyFile) + ": " + e.getMessage());
            }
        } else {
            b = TdPolicy.relyingParty();
        }
        TdPolicy.Builder builder = b;
        set("--mrtd", mrTd, h -> builder.mrTd(h));
        set("--report-data", reportData, h -> builder.reportData(h));
        set("--mrconfigid", mrConfigId, h -> builder.mrConfigId(h));
        set("--min-tee-tcb-svn", minTeeTcbSvn, h -> builder.minTeeTcbSvn(h));
        if (rtmrs != null) {
            for (String r : rtmrs) {
                int eq = r.indexOf('=');
                if (eq != 1 || r.charAt(0) < '0' || r.charAt(0) > '3') {
                    throw new BadPolicy("--rtmr '" + r + "' is not N=HEX with N one of 0, 1, 2, 3");
                }
                int index = r.charAt(0) - '0';
                set("--rtmr " + index, r.substring(2), h -> builder.rtmr(index, h));
            }
        }
        if (allowDebug) {
            b.allowDebug(true);
        }
        if (requireSeptVeDisable) {
            b.requireSeptVeDisable(true);
        }
        if (rejectExpiredCollateral) {
            b.acceptExpiredCollateral(false);
        }
        if (acceptStatuses != null) {
            b.acceptedStatuses(statuses(acceptStatuses));
        }
        return Optional.of(b.build());
    }

    private static Set<TcbStatus> statuses(List<String> names) throws BadPolicy {
        Set<TcbStatus> out = EnumSet.noneOf(TcbStatus.class);
        for (String n : names) {
            String name = n.strip();
            Optional<TcbStatus> s = TcbStatus.fromJsonName(name);
            if (s.isEmpty()) {
                throw new BadPolicy("--accept-status '" + name + "' is not a TCB status; they are "
                        + String.join(", ", Arrays.stream(TcbStatus.values()).map(TcbStatus::jsonName).toList()));
            }
            out.add(s.get());
        }
        if (out.isEmpty()) {
            throw new BadPolicy("--accept-status names no TCB status");
        }
        return out;
    }

    private interface Setter {
        void set(String hex);
    }

    /** Applies a hex option with an optional 0x prefix, turning the builder's complaint into one sentence. */
    private static void set(String option, String value, Setter setter) throws BadPolicy {
        if (value == null) {
            return;
        }
        String hex = value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value;
        try {
            setter.set(hex);
        } catch (IllegalArgumentException e) {
            throw new BadPolicy(option + " '" + value + "': " + e.getMessage());
        }
    }
}
