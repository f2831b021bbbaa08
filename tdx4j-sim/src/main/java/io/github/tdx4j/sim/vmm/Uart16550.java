package io.github.tdx4j.sim.vmm;

import java.util.function.IntConsumer;

/**
 * A 16550-style UART, as QEMU's {@code serial} at COM1 (ports 0x3F8..0x3FF): every byte written to the transmit
 * holding register goes to the console sink; the line status register always reports the transmitter empty, so a
 * polling driver never waits. No receive path: RBR reads 0 and LSR.DR stays clear.
 *
 * <p>Registers (offset from the base; DLAB = LCR bit 7): 0 THR/RBR (DLL when DLAB), 1 IER (DLM when DLAB), 2 IIR/FCR,
 * 3 LCR, 4 MCR, 5 LSR, 6 MSR, 7 SCR. PC16550D data sheet, "Register Summary".
 */
public final class Uart16550 implements PortDevice {
    public static final int COM1 = 0x3F8;
    /** LSR: THRE (bit 5) and TEMT (bit 6): ready to transmit. */
    private static final int LSR_IDLE = 0x60;
    private static final int IIR_NO_INTERRUPT = 0x01;

    private final int base;
    private final IntConsumer sink;
    private int ier;
    private int lcr;
    private int mcr;
    private int scr;
    private int dll = 1;
    private int dlm;

    public Uart16550(int base, IntConsumer sink) {
        this.base = base;
        this.sink = sink;
    }

    @Override
    public long in(int port, int size) {
        boolean dlab = (lcr & 0x80) != 0;
        return switch (port - base) {
            case 0 -> dlab ? dll : 0;
            case 1 -> dlab ? dlm : ier;
            case 2 -> IIR_NO_INTERRUPT;
            case 3 -> lcr;
            case 4 -> mcr;
            case 5 -> LSR_IDLE;
            case 6 -> 0xB0; // CTS, DSR, DCD asserted
            case 7 -> scr;
            default -> 0xFF;
        };
    }

    @Override
    public void out(int port, int size, long value) {
        int v = (int) (value & 0xFF);
        boolean dlab = (lcr & 0x80) != 0;
        switch (port - base) {
            case 0 -> {
                if (dlab) {
                    dll = v;
                } else {
                    sink.accept(v);
                }
            }
            case 1 -> {
                if (dlab) {
                    dlm = v;
                } else {
                    ier = v & 0x0F;
                }
            }
            case 3 -> lcr = v;
            case 4 -> mcr = v & 0x1F;
            case 7 -> scr = v;
            default -> {
                // FCR and the read-only registers ignore writes.
            }
        }
    }
}
