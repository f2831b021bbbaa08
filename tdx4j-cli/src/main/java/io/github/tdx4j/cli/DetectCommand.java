package io.github.tdx4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdx4j.linux.TdxDiagnostics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tdx4j detect}: what this machine offers a TDX guest application, and why something is missing. */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = {"Report the TDX guest interfaces of this machine (CPU flag, /dev/tdx_guest, configfs-tsm, "
                + "RTMR sysfs, the host's QGS, kernel version) and why any is missing. QGS is optional (quotes fall "
                + "back to configfs-tsm); it is probed by connecting to the port /etc/tdx-attest.conf names, or to "
                + "--qgs-port / --qgs-socket. Exit code 0 when all required interfaces are present, 2 otherwise.",
                ""})
final class DetectCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @CommandLine.ArgGroup(exclusive = true)
    QgsOptions qgs = new QgsOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String bad = qgs.check();
        if (bad != null) {
            spec.commandLine().getErr().println("tdx4j detect: " + bad + ".");
            return Main.USAGE;
        }
        TdxDiagnostics d = TdxDiagnostics.probe(Path.of("/"), qgs.endpoint(), qgs.attestConf());
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
        return d.checks().stream().allMatch(c -> c.present() || c.item().optional()) ? Main.OK : Main.CHECK_FAILED;
    }

}
