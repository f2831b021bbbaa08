package io.github.tdx4j.cli;

import io.github.tdx4j.abi.GetQuoteStatus;
import io.github.tdx4j.abi.GprSelect;
import io.github.tdx4j.abi.IoExitQualification;
import io.github.tdx4j.abi.TdAttributes;
import io.github.tdx4j.abi.TdcallRax;
import io.github.tdx4j.abi.TdvmcallStatus;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.abi.TdxStatus;
import io.github.tdx4j.abi.VeExitReason;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tdx4j decode VALUE --as KIND}: what a raw TDX register value means. */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = {"Decode a raw 64-bit value the way the TDX ABI defines it.", "",
                "Examples:",
                "  tdx4j decode 0xC000010000000001            (TDX-module status: TDX_OPERAND_INVALID(RCX))",
                "  tdx4j decode --as tdvmcall 0x8000000000000002",
                "  tdx4j decode --as mask 0xFFCC              (TDG.VP.VMCALL register-expose mask)",
                "  tdx4j decode --json 0xC000010000000001", ""})
final class DecodeCommand implements Callable<Integer> {

    enum Kind { status, tdvmcall, getquote, rax, subfunction, exit, io, attributes, mask }

    @Parameters(index = "0", paramLabel = "VALUE", description = "The value, decimal or hex with 0x.")
    String value;

    @Option(names = "--as", paramLabel = "KIND", defaultValue = "status",
            description = "What the value is: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). "
                    + "status = TDCALL RAX output; tdvmcall = R10 after TDG.VP.VMCALL; getquote = GetQuote buffer "
                    + "status; rax = TDCALL RAX input; subfunction = TDVMCALL R11; exit = #VE exit reason; "
                    + "io = I/O exit qualification; attributes = TD attributes; mask = TDG.VP.VMCALL RCX.")
    Kind kind;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        long raw;
        try {
            raw = parse(value);
        } catch (NumberFormatException e) {
            spec.commandLine().getErr().println("tdx4j decode: '" + value
                    + "' is not a 64-bit number (use decimal or 0x-prefixed hex).");
            return Main.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json(raw)));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e); // an in-memory map of strings and booleans always serializes
            }
            return Main.OK;
        }
        out.printf("value      0x%016x%n", raw);
        switch (kind) {
            case status -> {
                TdxStatus s = new TdxStatus(raw);
                out.println("status     " + s);
                out.println("error      " + s.isError() + "  (bit 63)");
                out.println("non-recov. " + s.isNonRecoverable() + "  (bit 62)");
                out.println("fatal      " + s.isFatal() + "  (bit 61)");
                out.println("host hint  " + s.hostRecoverabilityHint() + "  (bit 60)");
                out.printf("class      0x%02x  (bits 47:40)%n", s.statusClass());
                out.printf("details    0x%02x  (bits 39:32)%n", s.detailsL1());
                out.printf("operand    0x%08x  (bits 31:0)%n", s.operandId());
            }
            case tdvmcall -> {
                TdvmcallStatus s = new TdvmcallStatus(raw);
                out.println("status     " + s);
                out.println("meaning    " + (s.isSuccess() ? "success" : s.isRetry() ? "retry" : "VMM error"));
            }
            case getquote -> out.println("status     " + new GetQuoteStatus(raw));
            case rax -> out.println("rax        " + new TdcallRax(raw));
            case subfunction -> out.println("sub-func.  " + new TdvmcallSubFunction(raw));
            case exit -> out.println("exit       " + new VeExitReason(raw));
            case io -> out.println("io         " + new IoExitQualification(raw));
            case attributes -> out.println("attributes " + new TdAttributes(raw));
            case mask -> {
                GprSelect m = new GprSelect(raw);
                out.println("mask       " + m);
                out.println("valid      " + m.isValid(false) + "  (no RAX/RCX/RSP, RCX[63:32] = 0)");
            }
        }
        return Main.OK;
    }

    /** The decoded fields: {@code value}, {@code kind}, {@code name} (the text form), and the kind's own fields. */
    private Map<String, Object> json(long raw) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", JsonShapes.u64(raw));
        m.put("kind", kind.name());
        switch (kind) {
            case status -> {
                TdxStatus s = new TdxStatus(raw);
                m.put("name", s.toString());
                m.put("error", s.isError());
                m.put("nonRecoverable", s.isNonRecoverable());
                m.put("fatal", s.isFatal());
                m.put("hostRecoverabilityHint", s.hostRecoverabilityHint());
                m.put("class", String.format("0x%02x", s.statusClass()));
                m.put("details", String.format("0x%02x", s.detailsL1()));
                m.put("operand", JsonShapes.u32(s.operandId()));
            }
            case tdvmcall -> {
                TdvmcallStatus s = new TdvmcallStatus(raw);
                m.put("name", s.toString());
                m.put("meaning", s.isSuccess() ? "success" : s.isRetry() ? "retry" : "VMM error");
            }
            case getquote -> m.put("name", new GetQuoteStatus(raw).toString());
            case rax -> m.put("name", new TdcallRax(raw).toString());
            case subfunction -> m.put("name", new TdvmcallSubFunction(raw).toString());
            case exit -> m.put("name", new VeExitReason(raw).toString());
            case io -> m.put("name", new IoExitQualification(raw).toString());
            case attributes -> {
                m.put("name", new TdAttributes(raw).toString());
                m.put("tdAttributes", JsonShapes.tdAttributes(new TdAttributes(raw)));
            }
            case mask -> {
                GprSelect g = new GprSelect(raw);
                m.put("name", g.toString());
                m.put("valid", g.isValid(false));
            }
        }
        return m;
    }

    static long parse(String s) {
        String t = s.trim().replace("_", "");
        if (t.startsWith("0x") || t.startsWith("0X")) {
            return Long.parseUnsignedLong(t.substring(2), 16);
        }
        // Register values are unsigned 64-bit: decimal up to 2^64 - 1; a minus sign gives the two's complement.
        return t.startsWith("-") ? Long.parseLong(t) : Long.parseUnsignedLong(t);
    }
}
