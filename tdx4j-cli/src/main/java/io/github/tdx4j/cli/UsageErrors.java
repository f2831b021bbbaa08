package io.github.tdx4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * One sentence of this project's for each command-line parse error picocli reports, so that a usage error reads the
 * same whichever part found it (README.md, "Exit codes": "never a stack trace or a library's message"). picocli's own
 * texts ("Invalid value for option '--port': 'abc' is not an int", "Error: Missing required argument (specify one
 * of these): ...") name Java types and carry an "Error:" prefix; the sentences here name the option, the value and
 * what was expected. A sentence a command wrote itself (a plain {@link CommandLine.ParameterException}) passes
 * unchanged.
 */
final class UsageErrors {
    /** Option and parameter types read as whole numbers (Java names would mean little to a shell user). */
    private static final Set<Class<?>> WHOLE_NUMBERS = Set.of(int.class, Integer.class, long.class, Long.class,
            short.class, Short.class, byte.class, Byte.class);

    private UsageErrors() {
    }

    /** The sentence for {@code ex} (the caller prefixes the command's name and ends it with a full stop). */
    static String sentence(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u) {
            return unmatched(u);
        }
        if (ex instanceof CommandLine.MissingParameterException m) {
            return missing(m.getMissing());
        }
        if (ex instanceof CommandLine.MutuallyExclusiveArgsException) {
            return exclusive(ex);
        }
        if (ex instanceof CommandLine.OverwrittenOptionException o) {
            return name(o.getOverwritten()) + " is given more than once; give it once";
        }
        if (ex instanceof CommandLine.MaxValuesExceededException) {
            return "too many arguments; see --help for what this command takes";
        }
        if (ex.getArgSpec() != null && ex.getValue() != null && ex.getCause() != null) {
            return badValue(ex.getArgSpec(), ex.getValue(), ex.getCause());
        }
        return ex.getMessage();
    }

    private static String unmatched(CommandLine.UnmatchedArgumentException u) {
        List<String> unmatched = u.getUnmatched();
        String first = unmatched.isEmpty() ? "" : unmatched.get(0);
        String option = first.replaceFirst("=.*", ""); // --name=value names the option --name
        // A word where only a subcommand can stand (tdx4j, tdx4j ratls, tdx4j campaign) names an unknown command.
        CommandLine at = u.getCommandLine();
        boolean takesCommands = !at.getSubcommands().isEmpty() && at.getCommandSpec().positionalParameters().isEmpty();
        String what;
        if (first.startsWith("-")) {
            what = "unknown option '" + option + "'";
        } else if (takesCommands) {
            what = "unknown command '" + first + "'";
        } else {
            what = "unexpected argument '" + first + "'";
        }
        List<String> close = new ArrayList<>();
        for (String s : u.getSuggestions()) {
            if (close.size() < 3 && isNearMiss(option, s)) {
                close.add(s);
            }
        }
        if (!close.isEmpty()) {
            what += " (did you mean " + orList(close) + "?)";
        }
        return what;
    }

    /**
     * Whether {@code typed} is a slip of {@code name}: at most two edits apart, and at most one for a name of four
     * characters or fewer. picocli's candidates share only a letter or two with what was typed ("frobnicate" gets
     * "collateral, ratls or detect"), which misleads more than it helps. The edit distance is the textbook dynamic
     * programme (Levenshtein, 1966), written here because no library this module already uses offers it.
     */
    static boolean isNearMiss(String typed, String name) {
        String a = typed.replaceFirst("^-+", "");
        String b = name.replaceFirst("^-+", "");
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int replace = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(replace, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()] <= (b.length() <= 4 ? 1 : 2);
    }

    private static String missing(List<ArgSpec> missing) {
        if (missing.size() == 1) {
            ArgSpec a = missing.get(0);
            if (a instanceof PositionalParamSpec p) {
                return "the argument " + p.paramLabel() + " is missing";
            }
            if (a instanceof OptionSpec o && !o.required() && !o.typeInfo().isBoolean()) {
                // An optional option was named without its value (the last argument, or followed by an option).
                return o.longestName() + " needs a value (" + o.paramLabel() + ")";
            }
            return name(a) + " is required";
        }
        List<String> names = new ArrayList<>();
        for (ArgSpec a : missing) {
            names.add(name(a));
        }
        return "one of " + orList(names) + " is required";
    }

    /**
     * picocli's exception names no options, so the sentence lists the options of the command's exclusive group (the
     * group whose options the message mentions, when there are several).
     */
    private static String exclusive(CommandLine.ParameterException ex) {
        String message = ex.getMessage();
        List<ArgGroupSpec> groups = new ArrayList<>();
        collectExclusive(ex.getCommandLine().getCommandSpec().argGroups(), groups);
        for (ArgGroupSpec g : groups) {
            List<String> names = new ArrayList<>();
            int mentioned = 0;
            for (ArgSpec a : g.args()) {
                names.add(name(a));
                if (message.contains(name(a))) {
                    mentioned++;
                }
            }
            if (mentioned >= 2 || groups.size() == 1) {
                return "give only one of " + orList(names);
            }
        }
        return message.replaceFirst("^Error: ", "");
    }

    private static void collectExclusive(List<ArgGroupSpec> groups, List<ArgGroupSpec> into) {
        for (ArgGroupSpec g : groups) {
            if (g.exclusive()) {
                into.add(g);
            }
            collectExclusive(g.subgroups(), into);
        }
    }

    private static String badValue(ArgSpec arg, String value, Throwable cause) {
        Class<?> type = arg.typeInfo().isMultiValue() && !arg.typeInfo().getAuxiliaryTypeInfos().isEmpty()
                ? arg.typeInfo().getAuxiliaryTypeInfos().get(0).getType() : arg.type();
        if (WHOLE_NUMBERS.contains(type)) {
            return name(arg) + " '" + value + "' is not a whole number";
        }
        if (type.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object constant : type.getEnumConstants()) {
                names.add(((Enum<?>) constant).name());
            }
            return name(arg) + " '" + value + "' is not one of " + orList(names);
        }
        // This project's converters (CliPaths.Converter) throw a sentence of their own.
        return name(arg) + ": " + cause.getMessage();
    }

    private static String name(ArgSpec a) {
        return a instanceof OptionSpec o ? o.longestName() : a.paramLabel();
    }

    private static String orList(List<String> items) {
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
    }
}
