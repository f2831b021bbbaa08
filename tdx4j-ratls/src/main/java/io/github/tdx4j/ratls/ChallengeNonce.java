package io.github.tdx4j.ratls;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;

/**
 * How a client's challenge travels to the server inside the TLS 1.3 ClientHello, so that the server's key manager
 * can put it in the {@code nonce} claim of a certificate made for that handshake. Two carriers, as deployed aTLS
 * implementations use them:
 *
 * <ul>
 *   <li>{@link Transport#ALPN}: an extra ALPN protocol {@code atls:v1:nonce:<hex>} offered before the real ones (the
 *       form of Edgeless Contrast, {@code internal/atls/atls.go}). The server needs an ALPN selector
 *       ({@link RatlsKeyManager#alpnSelector});</li>
 *   <li>{@link Transport#SNI}: the server name {@code <hex>.<hex>.nonce.atls.invalid}, the hex split into labels of
 *       at most 32 characters (DNS labels are at most 63; {@code .invalid} is reserved, RFC 6761 section 6.4), as
 *       Constellation uses SNI. Works with any JSSE server, no selector needed.</li>
 * </ul>
 * JSSE hands both to the server's key manager before it chooses the certificate: TLS 1.3 chooses it after the
 * ALPN selection and after reading SNI (JDK 25 {@code CertificateMessage.T13CertificateProducer}).
 */
public final class ChallengeNonce {
    /** The ALPN protocol prefix of a nonce. */
    public static final String ALPN_PREFIX = "atls:v1:nonce:";
    /** The SNI host-name suffix of a nonce. */
    public static final String SNI_SUFFIX = ".nonce.atls.invalid";
    /** Length of the nonces {@link #fresh} makes. */
    public static final int LENGTH = 32;
    /** Shortest and longest nonces accepted from a peer; a longer one is not a nonce but a payload. */
    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 64;
    private static final int LABEL = 32;
    private static final HexFormat HEX = HexFormat.of();

    /** Which ClientHello field carries the nonce. */
    public enum Transport {
        ALPN,
        SNI
    }

    private ChallengeNonce() {
    }

    /** A fresh random nonce of {@link #LENGTH} bytes. */
    public static byte[] fresh(SecureRandom random) {
        byte[] n = new byte[LENGTH];
        random.nextBytes(n);
        return n;
    }

    public static String alpnProtocol(byte[] nonce) {
        return ALPN_PREFIX + HEX.formatHex(checked(nonce));
    }

    public static String sniHostName(byte[] nonce) {
        String hex = HEX.formatHex(checked(nonce));
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < hex.length(); i += LABEL) {
            b.append(i == 0 ? "" : ".").append(hex, i, Math.min(hex.length(), i + LABEL));
        }
        return b.append(SNI_SUFFIX).toString();
    }

    /** The nonce among offered ALPN protocols, if one is well-formed. */
    public static Optional<byte[]> fromAlpn(List<String> protocols) {
        if (protocols == null) {
            return Optional.empty();
        }
        for (String p : protocols) {
            if (p.startsWith(ALPN_PREFIX)) {
                return parseHex(p.substring(ALPN_PREFIX.length()));
            }
        }
        return Optional.empty();
    }

    /** The nonce in requested server names, if one is well-formed. */
    public static Optional<byte[]> fromSni(List<SNIServerName> names) {
        if (names == null) {
            return Optional.empty();
        }
        for (SNIServerName n : names) {
            if (n.getType() == StandardConstants.SNI_HOST_NAME && n instanceof SNIHostName h) {
                String host = h.getAsciiName().toLowerCase(Locale.ROOT);
                if (host.endsWith(SNI_SUFFIX)) {
                    return parseHex(host.substring(0, host.length() - SNI_SUFFIX.length()).replace(".", ""));
                }
            }
        }
        return Optional.empty();
    }

    /** Puts {@code nonce} into {@code params} on {@code transport}; ALPN keeps the protocols already offered. */
    public static SSLParameters offer(SSLParameters params, byte[] nonce, Transport transport) {
        switch (transport) {
            case ALPN -> {
                List<String> protocols = new ArrayList<>();
                protocols.add(alpnProtocol(nonce));
                for (String p : params.getApplicationProtocols()) {
                    if (!p.startsWith(ALPN_PREFIX)) {
                        protocols.add(p);
                    }
                }
                params.setApplicationProtocols(protocols.toArray(String[]::new));
            }
            case SNI -> params.setServerNames(List.of(new SNIHostName(sniHostName(nonce))));
        }
        return params;
    }

    /** The nonce a client put into its {@code params}, on either transport. */
    public static Optional<byte[]> sent(SSLParameters params) {
        Optional<byte[]> alpn = fromAlpn(List.of(params.getApplicationProtocols()));
        return alpn.isPresent() ? alpn : fromSni(params.getServerNames());
    }

    private static Optional<byte[]> parseHex(String hex) {
        if (hex.length() % 2 != 0 || hex.length() < 2 * MIN_LENGTH || hex.length() > 2 * MAX_LENGTH
                || !hex.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            return Optional.empty();
        }
        return Optional.of(HEX.parseHex(hex));
    }

    private static byte[] checked(byte[] nonce) {
        if (nonce.length < MIN_LENGTH || nonce.length > MAX_LENGTH) {
            throw new IllegalArgumentException("a nonce is " + MIN_LENGTH + ".." + MAX_LENGTH + " bytes: "
                    + nonce.length);
        }
        return nonce;
    }
}
