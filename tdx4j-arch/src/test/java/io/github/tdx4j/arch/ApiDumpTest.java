package io.github.tdx4j.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * The public API of every module, dumped from its compiled classes and compared with the dump checked in under
 * {@code src/test/resources/api/}: an API change shows in review as a change of that file. The dump lists each
 * export of the module descriptor, and for every public type in an exported package its public and protected
 * fields, constructors and methods with generic signatures, sorted.
 *
 * <p>After an intended API change: {@code ./tdx4j-build -pl tdx4j-arch -am test -Dtest=ApiDumpTest
 * -Dtdx4j.api.update=true -Dsurefire.failIfNoSpecifiedTests=false} rewrites the dumps; commit them with the change.
 */
class ApiDumpTest {
    private static final Path CHECKED_IN = Path.of("src", "test", "resources", "api");
    private static final Path ACTUAL = Path.of("target", "api");
    private static final boolean UPDATE = Boolean.getBoolean("tdx4j.api.update");

    // Each module's import takes seconds; all nine on a loaded build machine may exceed the suite's default.
    @TestFactory
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    Stream<DynamicTest> publicApiMatchesTheCheckedInDump() throws IOException {
        List<ModuleDescriptor> modules = tdx4jModules();
        assertThat(modules).as("module descriptors of tdx4j on the class path").hasSizeGreaterThanOrEqualTo(8);
        return modules.stream().map(m -> DynamicTest.dynamicTest(m.name(), () -> check(m)));
    }

    private static void check(ModuleDescriptor module) throws IOException {
        String actual = dump(module);
        Path file = CHECKED_IN.resolve(module.name() + ".api");
        if (UPDATE) {
            Files.createDirectories(CHECKED_IN);
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return;
        }
        Files.createDirectories(ACTUAL);
        Files.writeString(ACTUAL.resolve(module.name() + ".api"), actual, StandardCharsets.UTF_8);
        if (!Files.exists(file)) {
            fail("no checked-in API dump for module " + module.name() + " (" + file + "); run with "
                    + "-Dtdx4j.api.update=true and commit it");
        }
        String expected = Files.readString(file, StandardCharsets.UTF_8);
        if (!expected.equals(actual)) {
            Set<String> was = new LinkedHashSet<>(expected.lines().toList());
            Set<String> is = new LinkedHashSet<>(actual.lines().toList());
            List<String> removed = was.stream().filter(l -> !is.contains(l)).toList();
            List<String> added = is.stream().filter(l -> !was.contains(l)).toList();
            fail("the public API of " + module.name() + " changed; if intended, run with -Dtdx4j.api.update=true "
                    + "and commit " + file + "\nremoved:" + listing(removed) + "\nadded:" + listing(added));
        }
    }

    private static String listing(List<String> lines) {
        return lines.isEmpty() ? " (none)" : "\n  " + String.join("\n  ", lines);
    }

    /** The descriptors of io.github.tdx4j and the io.github.tdx4j.* modules whose classes are on this test's class path. */
    private static List<ModuleDescriptor> tdx4jModules() throws IOException {
        List<ModuleDescriptor> out = new ArrayList<>();
        Enumeration<URL> urls = ApiDumpTest.class.getClassLoader().getResources("module-info.class");
        for (URL url : Collections.list(urls)) {
            try (InputStream in = url.openStream()) {
                ModuleDescriptor d = ModuleDescriptor.read(in);
                // io.github.tdx4j itself is tdx4j-lib (artifact tdx4j): Tdx, SimulatedTdx, the trace page
                if (d.name().equals("io.github.tdx4j") || d.name().startsWith("io.github.tdx4j.")) {
                    out.add(d);
                }
            }
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    static String dump(ModuleDescriptor module) {
        StringBuilder out = new StringBuilder();
        out.append("module ").append(module.name()).append('\n');
        TreeMap<String, String> exports = new TreeMap<>();
        for (ModuleDescriptor.Exports e : module.exports()) {
            exports.put(e.source(), e.isQualified() ? " to " + String.join(", ", e.targets().stream().sorted()
                    .toList()) : "");
        }
        exports.forEach((pkg, to) -> out.append("exports ").append(pkg).append(to).append('\n'));
        if (exports.isEmpty()) {
            return out.toString();
        }
        var classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(exports.keySet());
        TreeMap<String, List<String>> types = new TreeMap<>();
        for (JavaClass c : classes) {
            if (exports.containsKey(c.getPackageName()) && isVisible(c)) {
                types.put(c.getName(), members(c));
            }
        }
        types.forEach((name, lines) -> {
            out.append('\n');
            lines.forEach(l -> out.append(l).append('\n'));
        });
        return out.toString();
    }

    /** Public, and every enclosing class public: reachable from another module. */
    private static boolean isVisible(JavaClass c) {
        for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
            if (!k.getModifiers().contains(JavaModifier.PUBLIC) || k.isAnonymousClass() || k.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    private static List<String> members(JavaClass c) {
        List<String> lines = new ArrayList<>();
        String kind = c.isRecord() ? "record" : c.isEnum() ? "enum" : c.isInterface() ? "interface"
                : c.isAnnotation() ? "@interface" : "class";
        Set<JavaModifier> classModifiers = EnumSet.copyOf(c.getModifiers());
        if (c.getEnclosingClass().isEmpty()) {
            classModifiers.remove(JavaModifier.STATIC); // an inner-class flag javac also writes for top-level types
        }
        StringBuilder head = new StringBuilder(modifiers(classModifiers)).append(kind).append(' ')
                .append(c.getName());
        c.getRawSuperclass().filter(s -> !s.isEquivalentTo(Object.class) && !s.isEquivalentTo(Record.class)
                && !s.isEquivalentTo(Enum.class)).ifPresent(s -> head.append(" extends ").append(s.getName()));
        List<String> interfaces = c.getInterfaces().stream().map(ApiDumpTest::typeName).sorted().toList();
        if (!interfaces.isEmpty()) {
            head.append(" implements ").append(String.join(", ", interfaces));
        }
        c.getPermittedSubclasses().ifPresent(p -> head.append(" permits ").append(p.stream().map(JavaClass::getName)
                .sorted().collect(Collectors.joining(", "))));
        lines.add(head.toString());
        List<String> body = new ArrayList<>();
        for (JavaField f : c.getFields()) {
            if (isApi(f)) {
                body.add("  " + modifiers(f.getModifiers()) + typeName(f.getType()) + " " + f.getName());
            }
        }
        for (JavaCodeUnit u : c.getCodeUnits()) {
            if (isApi(u)) {
                String params = u.getParameterTypes().stream().map(ApiDumpTest::typeName)
                        .collect(Collectors.joining(", "));
                String name = u.isConstructor() ? c.getSimpleName() : typeName(u.getReturnType()) + " " + u.getName();
                String throwsClause = u.getThrowsClause().getTypes().isEmpty() ? "" : " throws "
                        + u.getThrowsClause().getTypes().stream().map(JavaClass::getName).sorted()
                        .collect(Collectors.joining(", "));
                body.add("  " + modifiers(u.getModifiers()) + name + "(" + params + ")" + throwsClause);
            }
        }
        body.sort(null);
        lines.addAll(body);
        return lines;
    }

    /** A type as source code spells it: arrays as {@code T[]}, generic types with their arguments. */
    private static String typeName(JavaType t) {
        if (t instanceof JavaClass c && c.isArray()) {
            return typeName(c.getComponentType()) + "[]";
        }
        return t.getName();
    }

    private static boolean isApi(JavaMember m) {
        Set<JavaModifier> mods = m.getModifiers();
        return (mods.contains(JavaModifier.PUBLIC) || mods.contains(JavaModifier.PROTECTED))
                && !mods.contains(JavaModifier.SYNTHETIC) && !mods.contains(JavaModifier.BRIDGE);
    }

    private static String modifiers(Set<JavaModifier> mods) {
        StringBuilder b = new StringBuilder();
        for (JavaModifier m : new JavaModifier[] {JavaModifier.PUBLIC, JavaModifier.PROTECTED, JavaModifier.ABSTRACT,
                JavaModifier.STATIC, JavaModifier.FINAL}) {
            if (mods.contains(m)) {
                b.append(m.name().toLowerCase(java.util.Locale.ROOT)).append(' ');
            }
        }
        return b.toString();
    }
}
