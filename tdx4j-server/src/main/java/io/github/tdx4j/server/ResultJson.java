package io.github.tdx4j.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.attest.format.TdQuoteBody;
import io.github.tdx4j.attest.policy.PolicyViolation;
import io.github.tdx4j.attest.verify.DecodedQuote;
import io.github.tdx4j.attest.verify.VerificationResult;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The body of a {@code POST /verify} answer: the fields of {@code tdx4j verify --json} ({@code status},
 * {@code advisoryIds}, {@code collateralExpired}, {@code error}, {@code detail}, {@code collateralExpiry},
 * {@code platformStatus}, {@code moduleStatus}, {@code qeStatus}, {@code quote}), then {@code verifiedAt},
 * {@code policy} ({@code id}, {@code satisfied}, {@code violations}), {@code ear} ({@code status},
 * {@code trustVector}), {@code token} (the signed EAR), and with {@code fields} every decoded quote field.
 */
final class ResultJson {
    private ResultJson() {
    }

    static ObjectNode of(VerificationService.Outcome outcome, Appraisal appraisal, String policyId, String token,
                         boolean fields) {
        HexFormat hex = HexFormat.of();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ArrayNode advisories = o.putArray("advisoryIds");
        switch (outcome.result()) {
            case VerificationResult.Verified v -> {
                o.put("status", v.status().jsonName());
                v.advisoryIds().forEach(advisories::add);
                o.put("collateralExpired", v.collateralExpired());
                o.putNull("error");
                o.putNull("detail");
                o.put("collateralExpiry", v.collateralExpiry().toString());
                o.put("platformStatus", v.platformStatus().jsonName());
                o.put("moduleStatus", v.moduleStatus().map(s -> s.jsonName()).orElse(null));
                o.put("qeStatus", v.qeStatus().jsonName());
            }
            case VerificationResult.Failed f -> {
                o.putNull("status");
                o.put("collateralExpired", false);
                o.put("error", f.code().name());
                o.put("detail", f.detail());
            }
        }
        Optional<DecodedQuote> q = outcome.result().decodedQuote();
        if (q.isPresent()) {
            ObjectNode qo = o.putObject("quote");
            qo.put("version", q.get().header().version());
            qo.put("teeType", String.format("0x%x", q.get().header().teeType()));
            if (q.get() instanceof DecodedQuote.Td td) {
                Quote quote = td.quote();
                TdQuoteBody b = quote.body();
                qo.put("bodyType", quote.bodyType());
                qo.put("mrTd", b.mrTd().hex());
                ArrayNode rtmrs = qo.putArray("rtmrs");
                b.rtmrs().forEach(m -> rtmrs.add(m.hex()));
                qo.put("reportData", hex.formatHex(b.reportData()));
                qo.put("teeTcbSvn", hex.formatHex(b.teeTcbSvn()));
            } else {
                qo.put("reportData", hex.formatHex(q.get().reportData()));
            }
            qo.put("fmspc", outcome.result().platformFmspc().orElse(null));
        } else {
            o.putNull("quote");
        }
        o.put("verifiedAt", outcome.at().toString());
        ObjectNode policy = o.putObject("policy");
        policy.put("id", policyId);
        policy.put("satisfied", outcome.result() instanceof VerificationResult.Verified
                && outcome.violations().isEmpty());
        ArrayNode violations = policy.putArray("violations");
        for (PolicyViolation p : outcome.violations()) {
            violations.addObject().put("rule", p.rule().name()).put("detail", p.detail());
        }
        ObjectNode ear = o.putObject("ear");
        ear.put("status", appraisal.status());
        ObjectNode vector = ear.putObject("trustVector");
        appraisal.vector().forEach(vector::put);
        o.put("token", token);
        if (fields && q.isPresent()) {
            o.set("fields", QuoteFields.of(q.get()));
        }
        return o;
    }
}
