package io.github.tdx4j.cli;

import io.github.tdx4j.attest.collateral.QuoteCollateralV3;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tdx4j collateral QUOTE [--out FILE]}: the collateral to verify a quote, as QuoteCollateralV3 JSON, fetched
 * from Intel's PCS or a PCCS (or assembled from Intel's separate files), so that it can be verified offline later.
 * Nothing is verified here.
 */
@Command(name = "collateral", mixinStandardHelpOptions = true,
        description = {"Fetch the collateral a quote needs (TCB info, QE identity, CRLs, issuer chains) and save it "
                + "as QuoteCollateralV3 JSON for tdx4j verify --collateral. Nothing is verified.", "",
                "Exit 0 when the collateral was written, 1 when it could not be fetched or written.", "",
                "Examples:",
                "  tdx4j collateral quote.dat --out collateral.json",
                "  tdx4j collateral quote.dat --pccs https://pccs.example:8081 --out collateral.json",
                "  tdx4j collateral quote.dat --collateral intel-qvl/ --out collateral.json   (convert Intel's files)", ""})
final class CollateralCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "QUOTE", description = "The quote whose platform (FMSPC, PCK CA) the collateral is for.")
    Path quoteFile;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the JSON here (default: standard output).")
    Path out;

    @CommandLine.Mixin
    CollateralSource source = new CollateralSource();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String bad = source.check(false);
        if (bad != null) {
            err.println("tdx4j collateral: " + bad + ".");
            return Main.USAGE;
        }
        try {
            byte[] quote = VerifyCommand.readQuote(quoteFile);
            CollateralSource.Loaded loaded = source.load(quote);
            if (loaded.malformed().isPresent()) {
                err.println("tdx4j collateral: " + loaded.malformed().get().getMessage() + ".");
                return Main.USAGE;
            }
            String json = QuoteCollateralV3.toJson(loaded.collateral().orElseThrow()) + "\n";
            if (out == null) {
                spec.commandLine().getOut().print(json);
                spec.commandLine().getOut().flush();
            } else {
                CliFiles.write(out, json.getBytes(StandardCharsets.UTF_8));
                loaded.notes().forEach(n -> err.println("tdx4j collateral: note: " + n + "."));
                err.println("tdx4j collateral: wrote " + out + ".");
            }
            return Main.OK;
        } catch (CliFiles.FileFailure | CollateralSource.Unavailable e) {
            err.println("tdx4j collateral: " + e.getMessage() + ".");
            return Main.USAGE;
        } catch (IllegalArgumentException e) {
            err.println("tdx4j collateral: " + quoteFile + ": " + e.getMessage() + ".");
            return Main.USAGE;
        }
    }
}
