package io.github.tdx4j.cli;

import io.github.tdx4j.guest.attest.TdAttestation;
import io.github.tdx4j.linux.LinuxTdAttestation;
import io.github.tdx4j.linux.TdxDiagnostics;
import io.github.tdx4j.linux.TdxDiagnostics.Feature;
import io.github.tdx4j.sim.SimSettings;
import io.github.tdx4j.sim.TdConfig;
import io.github.tdx4j.sim.quote.SimulatedQuotingService;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the {@code report}, {@code quote}, {@code extend} and {@code rtmr} commands get their {@link TdAttestation}:
 * the real Linux backend, or the simulated platform with {@code --simulated}. The commands are written once
 * against this seam; tests plug in their own.
 */
interface AttestationBackends {
    /** What a command needs from the machine. */
    enum Need {
        REPORT("get a TDREPORT"),
        QUOTE("get a TDX quote"),
        RTMR_READ("read the RTMRs"),
        RTMR_EXTEND("extend an RTMR");

        final String action;

        Need(String action) {
            this.action = action;
        }
    }

    /** The attestation service for {@code need} on this machine, or one sentence saying why there is none. */
    Selection real(Need need);

    /** The attestation service of the embedded simulated platform, or why there is none. */
    Selection simulated();

    /** A backend to use or the reason there is none. */
    sealed interface Selection permits Ready, Missing {
    }

    /**
     * @param attestation the service
     * @param label       what it is, for output: {@code linux} or {@code simulated}
     * @param platform    the simulated platform's verification material; empty for a real machine
     */
    record Ready(TdAttestation attestation, String label, Optional<PlatformEvidence> platform) implements Selection {
        public Ready {
            Objects.requireNonNull(attestation, "attestation");
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(platform, "platform");
        }
    }

    /** @param sentence why, naming what is missing; printed after "tdx4j COMMAND: " */
    record Missing(String sentence) implements Selection {
    }

    /** What a verifier needs to check the simulated platform's quotes. */
    interface PlatformEvidence {
        /** QuoteCollateralV3 JSON for the simulated platform's quotes. */
        String collateralJson();

        /** The simulated platform's root CA certificate, PEM. */
        String rootCertificatePem();
    }

    /**
     * The real backend per {@link TdxDiagnostics}; with {@code --simulated}, a fresh production TD on the embedded
     * simulated platform with the guest services booted on it (each command starts a new TD, so RTMR extends do not
     * carry over from one command to the next).
     */
    AttestationBackends DEFAULT = new AttestationBackends() {
        @Override
        public Selection real(Need need) {
            TdxDiagnostics d = TdxDiagnostics.probe();
            Feature feature = switch (need) {
                case REPORT -> Feature.REPORT;
                case QUOTE -> Feature.QUOTE;
                // Before Linux 6.16 the RTMRs can still be read from a TDREPORT; extending needs the sysfs files.
                case RTMR_READ -> d.offers(Feature.RTMR) ? Feature.RTMR : Feature.REPORT;
                case RTMR_EXTEND -> Feature.RTMR;
            };
            return d.whyNot(feature).<Selection>map(why -> new Missing("cannot " + need.action
                            + " on this machine because " + why + "; add --simulated to use the embedded simulator"))
                    .orElseGet(() -> new Ready(LinuxTdAttestation.open(), "linux", Optional.empty()));
        }

        @Override
        public Selection simulated() {
            SimGuest g = SimGuest.boot(TdConfig.production(), SimSettings.strict(), SimGuest.defaultConfig());
            SimulatedQuotingService quoting = g.td.quotingService();
            PlatformEvidence evidence = new PlatformEvidence() {
                @Override
                public String collateralJson() {
                    return quoting.collateral().quoteCollateralV3Json();
                }

                @Override
                public String rootCertificatePem() {
                    return quoting.pki().rootPem();
                }
            };
            return new Ready(g.guest.attestation(), "simulated", Optional.of(evidence));
        }
    };
}
