package io.github.tdx4j.abi;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The name table behind an open value type: spec name by raw value. Package-private; each code type owns one.
 * Filled only during the owning class's static initialisation, read-only afterwards.
 */
final class CodeNames {
    private final Map<Long, String> names = new HashMap<>();
    private final String unknownPrefix;

    CodeNames(String unknownPrefix) {
        this.unknownPrefix = unknownPrefix;
    }

    long define(long raw, String name) {
        String previous = names.putIfAbsent(raw, name);
        if (previous != null) {
            throw new ExceptionInInitializerError(name + " duplicates " + previous);
        }
        return raw;
    }

    Optional<String> name(long raw) {
        return Optional.ofNullable(names.get(raw));
    }

    /** The spec name, or {@code PREFIX(0x…)} with the raw value in hex for a value the spec tables do not name. */
    String describe(long raw) {
        String name = names.get(raw);
        return name != null ? name : unknownPrefix + "(0x" + Long.toHexString(raw) + ")";
    }

    int size() {
        return names.size();
    }
}
