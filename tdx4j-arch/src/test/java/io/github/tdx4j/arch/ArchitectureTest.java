package io.github.tdx4j.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The layering rules of the README ("Modules"), checked on the compiled main classes of every module. Each rule
 * names the principle it keeps; a violation prints the offending class and dependency.
 */
class ArchitectureTest {
    /** The sim package's types that sim.vmm may use although sim depends on sim.vmm: configuration and stopping. */
    private static final Set<String> VMM_USES_OF_SIM = Set.of("io.github.tdx4j.sim.TdConfig",
            "io.github.tdx4j.sim.SimSettings", "io.github.tdx4j.sim.StopReason");
    /** The sim package's type that sim.quote may use although sim depends on sim.quote. */
    private static final Set<String> QUOTE_USES_OF_SIM = Set.of("io.github.tdx4j.sim.SimulatorException");
    private static JavaClasses classes;

    // Importing every module's classes takes tens of seconds on a loaded build machine, beyond the suite's default.
    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.github.tdx4j");
    }

    @Test
    @DisplayName("the import saw every module's classes (a rule over an empty set would pass by itself)")
    void importSawEveryModule() {
        for (String cls : new String[] {"io.github.tdx4j.abi.TdcallLeaf", "io.github.tdx4j.call.TdxCalls",
                "io.github.tdx4j.attest.format.Quote", "io.github.tdx4j.sim.SimulatedTd",
                "io.github.tdx4j.guest.TdxGuest", "io.github.tdx4j.campaign.CampaignRun",
                "io.github.tdx4j.linux.internal.LinuxSyscalls", "io.github.tdx4j.cli.Main",
                "io.github.tdx4j.Tdx", "io.github.tdx4j.trace.TraceRecorder"}) {
            assertThat(classes.contain(cls)).as(cls).isTrue();
        }
    }

    @Test
    @DisplayName("services depend on the transport seam, never on a backend: call and guest import no sim or linux")
    void servicesNeverImportBackends() {
        noClasses().that().resideInAnyPackage("io.github.tdx4j.call..", "io.github.tdx4j.guest..")
                .should().dependOnClassesThat().resideInAnyPackage("io.github.tdx4j.sim..", "io.github.tdx4j.linux..")
                .because("services run on any TdxTransport (README, \"Modules\": layering)")
                .check(classes);
    }

    @Test
    @DisplayName("native code (java.lang.foreign) only in tdx4j-linux's internal package")
    void foreignOnlyInLinuxInternal() {
        // Memory layouts (MemoryLayout, StructLayout, ValueLayout, PathElement) declare binary formats once, in abi
        // and attest, and touch no native memory; everything else in java.lang.foreign (Linker, SymbolLookup, Arena,
        // MemorySegment, FunctionDescriptor) is native access.
        DescribedPredicate<JavaClass> nativeAccess = DescribedPredicate.describe("java.lang.foreign native access",
                c -> c.getPackageName().equals("java.lang.foreign") && !c.getSimpleName().endsWith("Layout")
                        && !c.getName().startsWith("java.lang.foreign.ValueLayout")
                        && !c.getName().equals("java.lang.foreign.MemoryLayout$PathElement"));
        noClasses().that().resideOutsideOfPackage("io.github.tdx4j.linux.internal")
                .should().dependOnClassesThat(nativeAccess)
                .because("FFM code lives in one package, as the seed thread's \"assembly is a last resort\"")
                .check(classes);
    }

    @Test
    @DisplayName("no cycles between packages")
    void noPackageCycles() {
        // Known exception, answered in tdx4j-sim/README.md ("Package structure"): the host seam (sim.vmm) takes the
        // platform's configuration and stop types (TdConfig, SimSettings, StopReason) from the sim package, which
        // wires it up, and the quote service (sim.quote) throws sim's SimulatorException. Any other cycle fails,
        // and so does any other use of sim by these two packages.
        slices().matching("io.github.tdx4j.(**)").should().beFreeOfCycles()
                .ignoreDependency(inPackage("io.github.tdx4j.sim.vmm"), named(VMM_USES_OF_SIM))
                .ignoreDependency(inPackage("io.github.tdx4j.sim.quote"), named(QUOTE_USES_OF_SIM))
                .check(classes);
    }

    private static DescribedPredicate<JavaClass> inPackage(String name) {
        return DescribedPredicate.describe("in " + name, c -> c.getPackageName().equals(name));
    }

    /** The named classes and their nested classes (StopReason.Kind). */
    private static DescribedPredicate<JavaClass> named(Set<String> names) {
        return DescribedPredicate.describe("one of " + names,
                c -> names.contains(c.getName().replaceFirst("\\$.*", "")));
    }

    @Test
    @DisplayName("guest code reads registers only through the call layer's request and result types")
    void guestNeverReadsRawRegisters() {
        noClasses().that().resideInAPackage("io.github.tdx4j.guest..")
                .should().dependOnClassesThat().haveFullyQualifiedName("io.github.tdx4j.call.Registers")
                .because("leaf inputs and outputs are encoded and decoded once, in the call layer "
                        + "(VmcallRequest, ModuleCallResult, VmcallResult)")
                .check(classes);
    }
}
