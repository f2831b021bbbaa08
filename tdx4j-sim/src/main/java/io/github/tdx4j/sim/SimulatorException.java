package io.github.tdx4j.sim;

/**
 * The simulator itself failed, not the guest and not the simulated host: a cryptographic primitive every JDK must
 * provide is missing, or BouncyCastle could not encode a certificate the simulator built. Never a result of guest
 * input; seeing one is a bug in the simulator or its runtime.
 */
public final class SimulatorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SimulatorException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
