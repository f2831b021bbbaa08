package io.github.tdx4j.ratls;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdx4j.guest.attest.TdAttestation;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The key manager's certificate life cycle on an injected clock: renewal at 2/3 of life, and across expiry. */
class KeyManagerRenewalTest {
    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static SimTd td;

    @BeforeAll
    static void boot() {
        td = SimTd.production();
    }

    /** A TdAttestation whose quotes can be held back, to see who waits for them. */
    private static class Gated implements TdAttestation {
        final TdAttestation inner;
        final AtomicInteger quotes = new AtomicInteger();
        volatile CountDownLatch gate = new CountDownLatch(0);

        Gated(TdAttestation inner) {
            this.inner = inner;
        }

        @Override
        public byte[] report(byte[] reportData) {
            return inner.report(reportData);
        }

        @Override
        public byte[] quote(byte[] reportData) {
            try {
                gate.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            quotes.incrementAndGet();
            return inner.quote(reportData);
        }

        @Override
        public void extendRtmr(int index, byte[] digest, String description) {
            inner.extendRtmr(index, digest, description);
        }

        @Override
        public List<byte[]> rtmrs() {
            return inner.rtmrs();
        }

        @Override
        public List<RtmrEvent> eventLog() {
            return inner.eventLog();
        }
    }

    private static void awaitIssued(RatlsKeyManager km, long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (km.issuedCount() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(km.issuedCount()).isEqualTo(count);
    }

    @Test
    void renewsInTheBackgroundAtTwoThirdsWithoutBlockingTheHandshake() throws Exception {
        TestCertificates.MutableClock clock = new TestCertificates.MutableClock(T0);
        Gated attestation = new Gated(td.attestation());
        try (RatlsKeyManager km = RatlsKeyManager.builder(attestation).clock(clock).build()) {
            String first = km.chooseServerAlias("EC", null, null);
            assertThat(km.getCertificateChain(first)[0].getNotAfter().toInstant()).isEqualTo(T0.plus(Duration.ofHours(1)));

            clock.set(T0.plus(Duration.ofMinutes(39)));
            assertThat(km.chooseServerAlias("EC", null, null)).isEqualTo(first);
            Thread.sleep(50);
            assertThat(km.issuedCount()).isEqualTo(1);

            // Past 40 minutes: the renewal starts, and its quote is held back. The handshake does not wait for it.
            attestation.gate = new CountDownLatch(1);
            clock.set(T0.plus(Duration.ofMinutes(41)));
            AtomicReference<String> chosen = new AtomicReference<>();
            Thread handshake = Thread.ofPlatform().start(() -> chosen.set(km.chooseServerAlias("EC", null, null)));
            handshake.join(5_000);
            assertThat(handshake.isAlive()).as("a handshake waited for a quote while a valid certificate existed")
                    .isFalse();
            assertThat(chosen.get()).isEqualTo(first);
            assertThat(km.getPrivateKey(first)).isNotNull();

            attestation.gate.countDown();
            awaitIssued(km, 2);
            String second = km.chooseServerAlias("EC", null, null);
            assertThat(second).isNotEqualTo(first);
            assertThat(km.getCertificateChain(second)[0].getNotAfter().toInstant())
                    .isEqualTo(T0.plus(Duration.ofMinutes(41)).plus(Duration.ofHours(1)));
            // The first certificate is still served to a handshake that chose it before the swap.
            assertThat(km.getCertificateChain(first)).isNotNull();
        }
    }

    @Test
    void afterExpiryTheNextHandshakeGetsANewCertificateAndVerifies() throws Exception {
        TestCertificates.MutableClock clock = new TestCertificates.MutableClock(T0);
        try (RatlsKeyManager km = RatlsKeyManager.builder(td.attestation()).clock(clock).build()) {
            RatlsTrustManager tm = RatlsTrustManager.builder(td.verifier(), CollateralSource.fixed(td.collateral()))
                    .clock(clock).build();
            try (LoopbackServer server = new LoopbackServer(Ratls.serverContext(km))) {
                String before = handshakeSerial(tm, server.port());
                // The machine slept through the whole validity: no valid certificate is left, so this handshake
                // waits for a new one, and the client (on the same clock) accepts it.
                clock.set(T0.plus(Duration.ofHours(3)));
                String after = handshakeSerial(tm, server.port());
                assertThat(after).isNotEqualTo(before);
                assertThat(km.currentCertificate().notAfter()).isEqualTo(T0.plus(Duration.ofHours(4)));
            }
        }
    }

    private static String handshakeSerial(RatlsTrustManager tm, int port) throws Exception {
        try (SSLSocket s = (SSLSocket) Ratls.clientContext(tm).getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            return ((java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber()
                    .toString(16);
        }
    }

    @Test
    void aFailedRenewalKeepsTheCurrentCertificateAndIsReported() throws Exception {
        TestCertificates.MutableClock clock = new TestCertificates.MutableClock(T0);
        AtomicInteger calls = new AtomicInteger();
        TdAttestation failingAfterFirst = new Gated(td.attestation()) {
            @Override
            public byte[] quote(byte[] reportData) {
                if (calls.incrementAndGet() > 1) {
                    throw new io.github.tdx4j.guest.attest.AttestationException(
                            io.github.tdx4j.guest.attest.AttestationException.Reason.TIMEOUT,
                            io.github.tdx4j.call.Origin.VMM, "test.quote", "the quote service is down");
                }
                return super.quote(reportData);
            }
        };
        try (RatlsKeyManager km = RatlsKeyManager.builder(failingAfterFirst).clock(clock).build()) {
            String first = km.chooseServerAlias("EC", null, null);
            clock.set(T0.plus(Duration.ofMinutes(50)));
            assertThat(km.chooseServerAlias("EC", null, null)).isEqualTo(first);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (km.lastRenewalFailure().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(km.lastRenewalFailure()).isPresent();
            assertThat(km.chooseServerAlias("EC", null, null)).isEqualTo(first);
        }
    }
}
