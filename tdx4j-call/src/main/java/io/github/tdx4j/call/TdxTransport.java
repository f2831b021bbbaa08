package io.github.tdx4j.call;

/**
 * The one thing that "executes TDCALL".
 *
 * <p>Guest code hands the registers it would load before the TDCALL instruction and receives the registers the
 * instruction leaves behind. Implementations: the simulated TDX module (tdx4j-sim), a scripted transport in
 * tests, and the {@code trace} decorators. Nothing above this interface knows which one it talks to.
 *
 * <p>Contract for implementations: never throw for a module-level failure — report it in RAX like the hardware
 * does. Throwing is reserved for conditions the real instruction cannot express (a simulated TD that has been
 * stopped, for example).
 */
@FunctionalInterface
public interface TdxTransport {
    /**
     * Executes TDCALL.
     *
     * @param in RAX = leaf and version, the other registers as the leaf defines
     * @return the register file after TDCALL: RAX = completion status, outputs as the leaf defines
     */
    Registers tdcall(Registers in);
}
