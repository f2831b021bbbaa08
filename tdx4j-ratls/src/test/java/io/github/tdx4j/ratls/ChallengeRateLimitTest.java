package io.github.tdx4j.ratls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdx4j.ratls.ChallengeNonce.Transport;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Challenge certificates cost a quote each, so the key manager mints them through a token bucket on its clock:
 * excess challenged handshakes are refused at once with a TLS alert and counted; plain handshakes are not limited.
 */
class ChallengeRateLimitTest {
    private static SimTd td;

    @BeforeAll
    static void boot() {
        td = SimTd.production();
    }

    @AfterAll
    static void done() {
        td = null;
    }

    private static SSLContext client() {
        return Ratls.clientContext(RatlsTrustManager.builder(td.verifier(), CollateralSource.fixed(td.collateral()))
                .requireNonce(true).build());
    }

    /** One handshake on a fresh socket, challenged when {@code challenge}. */
    private static void handshake(SSLContext ctx, int port, boolean challenge) throws Exception {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            if (challenge) {
                Ratls.challenge(s, Transport.SNI, new SecureRandom());
            }
            s.startHandshake();
            assertThat(LoopbackServer.greeting(s)).isEqualTo("hello\n");
        }
    }

    @Test
    void burstIsAnsweredThenExcessChallengesGetAnAlertUntilTheClockEarnsAToken() throws Exception {
        TestCertificates.MutableClock clock = new TestCertificates.MutableClock(Instant.now());
        try (RatlsKeyManager km = RatlsKeyManager.builder(td.attestation()).clock(clock)
                .challengeRateLimit(2, Duration.ofMinutes(1)).build();
             LoopbackServer server = new LoopbackServer(Ratls.serverContext(km))) {
            SSLContext ctx = client();
            long before = km.issuedCount();
            handshake(ctx, server.port(), true);
            handshake(ctx, server.port(), true);
            long start = System.nanoTime();
            assertThatThrownBy(() -> handshake(ctx, server.port(), true))
                    .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("handshake_failure");
            // Refused at once (no quote, no time-out): far under the 10 s read time-out even on a loaded machine.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(km.challengesRefused()).isEqualTo(1);
            assertThat(km.issuedCount() - before).isEqualTo(2);

            clock.set(clock.instant().plus(Duration.ofSeconds(59)));
            assertThatThrownBy(() -> handshake(ctx, server.port(), true)).isInstanceOf(SSLHandshakeException.class);
            assertThat(km.challengesRefused()).isEqualTo(2);

            clock.set(clock.instant().plus(Duration.ofSeconds(1)));
            handshake(ctx, server.port(), true);
            assertThat(km.issuedCount() - before).isEqualTo(3);
        }
    }

    @Test
    void handshakesWithoutAChallengeAreNeverLimited() throws Exception {
        TestCertificates.MutableClock clock = new TestCertificates.MutableClock(Instant.now());
        try (RatlsKeyManager km = RatlsKeyManager.builder(td.attestation()).clock(clock)
                .challengeRateLimit(1, Duration.ofHours(1)).build();
             LoopbackServer server = new LoopbackServer(Ratls.serverContext(km))) {
            SSLContext plain = Ratls.clientContext(RatlsTrustManager.builder(td.verifier(),
                    CollateralSource.fixed(td.collateral())).build());
            handshake(client(), server.port(), true); // spends the only token
            for (int i = 0; i < 3; i++) {
                handshake(plain, server.port(), false);
            }
            assertThat(km.challengesRefused()).isZero();
        }
    }

    @Test
    void tokenBucketRefillsOnePerIntervalUpToItsCapacity() {
        TestCertificates.MutableClock clock = new TestCertificates.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        TokenBucket b = new TokenBucket(3, Duration.ofSeconds(10), clock);
        assertThat(b.tryTake()).isTrue();
        assertThat(b.tryTake()).isTrue();
        assertThat(b.tryTake()).isTrue();
        assertThat(b.tryTake()).isFalse();
        clock.set(clock.instant().plusSeconds(25)); // two tokens and 5 s towards the third
        assertThat(b.tryTake()).isTrue();
        assertThat(b.tryTake()).isTrue();
        assertThat(b.tryTake()).isFalse();
        clock.set(clock.instant().plusSeconds(5)); // the 5 s carried over complete the third
        assertThat(b.tryTake()).isTrue();
        clock.set(clock.instant().plusSeconds(3600)); // a long idle fills it only to capacity
        assertThat(b.tryTake()).isTrue();
        assertThat(b.tryTake()).isTrue();
        assertThat(b.tryTake()).isTrue();
        assertThat(b.tryTake()).isFalse();
        clock.set(clock.instant().minusSeconds(600)); // a clock going back earns nothing
        assertThat(b.tryTake()).isFalse();
        assertThatThrownBy(() -> new TokenBucket(0, Duration.ofSeconds(1), clock))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
