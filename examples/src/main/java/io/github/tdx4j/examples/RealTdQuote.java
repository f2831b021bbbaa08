package io.github.tdx4j.examples;

import io.github.tdx4j.Tdx;
import io.github.tdx4j.guest.attest.AttestationException;
import io.github.tdx4j.guest.attest.TdAttestation;

/**
 * Use 3: get a quote on a real TD (Linux: /dev/tdx_guest and configfs-tsm), falling back to the simulator when this
 * machine is not one (dependency: tdx4j). Exit 0 with a quote, 2 when the TD could not produce one.
 */
public final class RealTdQuote {
    private RealTdQuote() {
    }

    public static void main(String[] args) {
        TdAttestation td = Tdx.detect(why -> {
            System.out.println("no TDX guest here (" + why + "); using the simulator");
            return Tdx.simulated();
        });
        try {
            byte[] quote = td.quote(new byte[64]);
            System.out.println("quote: " + quote.length + " bytes from " + td.getClass().getSimpleName());
        } catch (AttestationException e) {
            System.out.println("no quote: " + e.getMessage());
            System.exit(2);
        }
    }
}
