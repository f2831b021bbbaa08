package io.github.tdx4j.call.platform;

/** Receives interrupts the VMM injects into the TD (the GetQuote completion notification, for example). */
@FunctionalInterface
public interface InterruptHandler {
    void onInterrupt(int vector);
}
