package io.github.tdx4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.linux.TdxDiagnostics;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tdx4j detect}: what this machine offers a TDX guest application, and why something is missing. */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = {"Report the TDX guest interfaces of this machine (CPU flag, /dev/tdx_guest, configfs-tsm, "
                + "RTMR sysfs, kernel version) and why any is missing. Exit code 0 when all are present, 2 otherwise.",
                ""})
final class DetectCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        TdxDiagnostics d = TdxDiagnostics.probe();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = new ObjectMapper().createObjectNode();
            root.put("kernel", d.kernelRelease());
            root.put("tdxGuest", d.isTdxGuest());
            for (TdxDiagnostics.Check c : d.checks()) {
                ObjectNode n = root.putObject(JsonShapes.camelCase(c.item().name()));
                n.put("present", c.present());
                n.put("path", c.path());
                n.put("detail", c.detail());
            }
            out.println(root.toPrettyString());
        } else {
            out.print(d);
        }
        out.flush();
        return d.checks().stream().allMatch(TdxDiagnostics.Check::present) ? Main.OK : Main.CHECK_FAILED;
    }

}
