package io.github.tdx4j.campaign;

/** How one guest operation ended. A closed set we produce. */
public enum Outcome {
    /** Returned normally and reported no failure. */
    HANDLED,
    /** Returned an error (an exception with an origin, a #VE fault, or a reported failure). */
    ERROR,
    /** Stopped the TD: a panic (TdxPanic) or the platform stopping it. */
    FATAL
}
