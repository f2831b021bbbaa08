package io.github.tdx4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.attest.json.VerificationJson;
import io.github.tdx4j.attest.policy.PolicyViolation;
import io.github.tdx4j.attest.policy.TdPolicy;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code tdx4j verify} says about a policy, and the warnings it prints with or without one.
 *
 * <p>With a policy, the command fails (exit 2) when verification failed or any rule failed; each failed rule is
 * listed with what was expected and what the quote had. Without one the exit code is verification's alone, but a
 * DEBUG TD and expired collateral each get a warning line, because a relying party reading only "verified yes"
 * would otherwise miss them. A condition that is already a failed rule is not warned about again.
 *
 * @param policy     the policy, if one was given
 * @param evaluated  whether the policy was evaluated (only a verified quote is)
 * @param violations the failed rules, in rule order
 * @param warnings   warning sentences
 */
record PolicyOutcome(Optional<TdPolicy> policy, boolean evaluated, List<PolicyViolation> violations,
                     List<String> warnings) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static PolicyOutcome of(Optional<TdPolicy> policy, VerificationResult result) {
        if (!(result instanceof VerificationResult.Verified v)) {
            return new PolicyOutcome(policy, false, List.of(), List.of());
        }
        List<PolicyViolation> violations = policy.map(p -> p.violations(v)).orElse(List.of());
        List<String> warnings = new ArrayList<>();
        boolean debug = v.tdQuote().map(q -> q.body().tdAttributes().debug()).orElse(false);
        if (debug && violations.stream().noneMatch(x -> x.rule() == PolicyViolation.Rule.DEBUG_TD)) {
            warnings.add("the TD is a DEBUG TD (TDATTRIBUTES.DEBUG): the host can read and change its memory and "
                    + "state, so nothing it reports can be trusted");
        }
        if (v.collateralExpired()
                && violations.stream().noneMatch(x -> x.rule() == PolicyViolation.Rule.COLLATERAL_EXPIRED)) {
            warnings.add("the collateral had expired at the verification time (" + v.expiringItem() + " at "
                    + v.collateralExpiry() + "): the TCB status may be out of date");
        }
        return new PolicyOutcome(policy, true, violations, List.copyOf(warnings));
    }

    /** Whether the command must fail because of the policy (verification's own failure aside). */
    boolean failed() {
        return policy.isPresent() && (!evaluated || !violations.isEmpty());
    }

    /** The policy lines of the text output, after the verification lines. */
    void text(PrintWriter out) {
        if (policy.isEmpty()) {
            return;
        }
        if (!evaluated) {
            out.println("policy      not evaluated: the quote did not verify");
            return;
        }
        if (violations.isEmpty()) {
            out.println("policy      passed");
            return;
        }
        out.println("policy      FAILED: " + violations.size() + (violations.size() == 1 ? " rule" : " rules"));
        for (PolicyViolation v : violations) {
            out.println("  " + v.rule());
            out.println("    expected  " + v.expected());
            out.println("    actual    " + v.actual());
        }
    }

    /** The warnings, one line each, for stderr. */
    void warn(PrintWriter err) {
        warnings.forEach(w -> err.println("tdx4j verify: warning: " + w + "."));
    }

    /**
     * Adds {@code policy} (null without a policy; else {@code accepted}, {@code evaluated}, {@code violations} of
     * {@code rule}/{@code expected}/{@code actual}/{@code detail}, and the effective {@code document}) and
     * {@code warnings} to the JSON output.
     */
    void json(ObjectNode o) {
        if (policy.isEmpty()) {
            o.putNull("policy");
        } else {
            o.set("policy", VerificationJson.policy(policy.get(), evaluated, violations));
        }
        ArrayNode w = o.putArray("warnings");
        warnings.forEach(w::add);
    }
}
