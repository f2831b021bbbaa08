package io.github.tdx4j.cli;

/**
 * The main class of the small jar that {@link LauncherAotCacheTest} runs through the launcher with the real JVM:
 * prints {@code probe} and its arguments, nothing else.
 */
public final class AotProbe {
    private AotProbe() {
    }

    public static void main(String[] args) {
        System.out.println("probe " + String.join(" ", args));
    }
}
