package io.github.tdx4j.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tdx4j.abi.GetQuoteBufferLayout;
import io.github.tdx4j.abi.GetQuoteStatus;
import io.github.tdx4j.abi.TdReportLayout;
import io.github.tdx4j.abi.TdcallLeaf;
import io.github.tdx4j.abi.TdvmcallSubFunction;
import io.github.tdx4j.attest.format.PckExtensions;
import io.github.tdx4j.attest.format.QeReportCertificationData;
import io.github.tdx4j.attest.format.Quote;
import io.github.tdx4j.sim.quote.SimulatedCollateral;
import io.github.tdx4j.sim.quote.SimulatedPki;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SimulatedQuoteTest {
    private static final long REPORT = 0x10_0000;
    private static final long DATA = 0x10_0400;
    private static final long BUFFER = 1L << 30;

    /** The whole guest path: TDG.MR.REPORT, then GetQuote through the shared buffer, polling as Linux does. */
    static byte[] quote(SimulatedTd td, byte[] reportData) throws InterruptedException {
        td.memory().write(DATA, reportData);
        assertThat(Tdx.status(td, TdcallLeaf.TDG_MR_REPORT, REPORT, DATA, 0, 0)).isZero();
        byte[] report = td.memory().read(REPORT, TdReportLayout.SIZE);
        long buf = Tdx.share(td, BUFFER, 8 * 4096);
        td.memory().writeLong(buf + GetQuoteBufferLayout.VERSION_OFFSET, 1);
        td.memory().writeInt(buf + GetQuoteBufferLayout.IN_LEN_OFFSET, report.length);
        td.memory().write(buf + GetQuoteBufferLayout.DATA_OFFSET, report);
        assertThat(Tdx.vmcall(td, TdvmcallSubFunction.GET_QUOTE, buf, 8 * 4096, 0, 0).status().raw()).isZero();
        for (int i = 0; i < 30 && td.memory().readLong(buf + 8) == GetQuoteStatus.IN_FLIGHT.raw(); i++) {
            td.sleep(1_000_000_000L);
        }
        assertThat(td.memory().readLong(buf + GetQuoteBufferLayout.STATUS_OFFSET)).isZero();
        int outLen = (int) td.memory().readUnsignedInt(buf + GetQuoteBufferLayout.OUT_LEN_OFFSET);
        return td.memory().read(buf + GetQuoteBufferLayout.DATA_OFFSET, outLen);
    }

    static PublicKey rawKey(byte[] xy) throws Exception {
        AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
        ap.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = ap.getParameterSpec(ECParameterSpec.class);
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(
                new BigInteger(1, Arrays.copyOfRange(xy, 0, 32)), new BigInteger(1, Arrays.copyOfRange(xy, 32, 64))),
                spec));
    }

    static boolean verifyRaw(PublicKey key, byte[] data, byte[] rs) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initVerify(key);
        s.update(data);
        return s.verify(rs);
    }

    static List<X509Certificate> chain(byte[] pem) throws Exception {
        return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)).stream()
                .map(c -> (X509Certificate) c).toList();
    }

    private static byte[] reportData() {
        byte[] rd = new byte[64];
        for (int i = 0; i < 64; i++) {
            rd[i] = (byte) (0xA0 + i);
        }
        return rd;
    }

    @Test
    @DisplayName("A simulated v4 quote has the real layout: the offsets of the dcap-qvl real quote, certification types 6 and 5")
    void layoutV4() throws Exception {
        byte[] q = quote(SimulatedTd.boot(), reportData());
        byte[] real = TestData.read("dcap-qvl/tdx_quote");
        ByteBuffer b = ByteBuffer.wrap(q).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer r = ByteBuffer.wrap(real).order(ByteOrder.LITTLE_ENDIAN);
        for (ByteBuffer x : List.of(b, r)) {
            assertThat(x.getShort(0)).isEqualTo((short) 4);
            assertThat(x.getShort(2)).isEqualTo((short) 2);
            assertThat(x.getInt(4)).isEqualTo(0x81);
            assertThat(x.getShort(764)).as("certification data type at 764").isEqualTo((short) 6);
            assertThat(x.getShort(1218)).as("QE auth data size at 1218").isEqualTo((short) 32);
            assertThat(x.getShort(1252)).as("inner certification data type at 1252").isEqualTo((short) 5);
        }
        assertThat(Arrays.copyOfRange(q, 12, 28)).isEqualTo(Arrays.copyOfRange(real, 12, 28));
        int sigLen = b.getInt(632);
        assertThat(q.length).isEqualTo(636 + sigLen);
        assertThat(b.getInt(766)).as("type 6 size").isEqualTo(sigLen - 134);
        String pem = new String(q, 1258, b.getInt(1254), StandardCharsets.US_ASCII);
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----").endsWith("-----END CERTIFICATE-----\n\0");
        assertThat(Arrays.copyOfRange(q, 48 + 520, 48 + 584)).as("REPORTDATA in the body").isEqualTo(reportData());
        Quote decoded = Quote.decode(q);
        assertThat(decoded.encode()).isEqualTo(q);
        assertThat(decoded.body().mrTd()).isEqualTo(TdConfig.production().mrTd());
    }

    @Test
    @DisplayName("The quote, QE report and PCK chain signatures of a simulated quote verify with the JDK")
    void signatures() throws Exception {
        SimulatedTd td = SimulatedTd.boot();
        byte[] q = quote(td, reportData());
        byte[] attKey = Arrays.copyOfRange(q, 700, 764);
        assertThat(verifyRaw(rawKey(attKey), Arrays.copyOfRange(q, 0, 632), Arrays.copyOfRange(q, 636, 700)))
                .as("quote signature by the attestation key").isTrue();
        int authLen = ByteBuffer.wrap(q).order(ByteOrder.LITTLE_ENDIAN).getShort(1218);
        byte[] qeReport = Arrays.copyOfRange(q, 770, 1154);
        List<X509Certificate> chain = chain(Arrays.copyOfRange(q, 1258, q.length));
        assertThat(chain).hasSize(3);
        assertThat(verifyRaw(chain.get(0).getPublicKey(), qeReport, Arrays.copyOfRange(q, 1154, 1218)))
                .as("QE report signature by the PCK leaf").isTrue();
        chain.get(0).verify(chain.get(1).getPublicKey());
        chain.get(1).verify(chain.get(2).getPublicKey());
        chain.get(2).verify(chain.get(2).getPublicKey());
        assertThat(chain.get(2).getSubjectX500Principal().getName()).contains("tdx4j Simulated SGX Root CA")
                .doesNotContain("Intel");
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(
                concat(attKey, Arrays.copyOfRange(q, 1220, 1220 + authLen)));
        assertThat(Arrays.copyOfRange(qeReport, 320, 352)).as("QE REPORTDATA binds the attestation key")
                .isEqualTo(expected);
        assertThat(Arrays.copyOfRange(qeReport, 352, 384)).isEqualTo(new byte[32]);
        q[100] ^= 1;
        assertThat(verifyRaw(rawKey(attKey), Arrays.copyOfRange(q, 0, 632), Arrays.copyOfRange(q, 636, 700)))
                .as("a changed body breaks the signature").isFalse();
    }

    @Test
    @DisplayName("The simulated PCK chain does not verify under Intel's SGX Root CA")
    void notIntel() throws Exception {
        byte[] q = quote(SimulatedTd.boot(), reportData());
        List<X509Certificate> chain = chain(Arrays.copyOfRange(q, 1258, q.length));
        X509Certificate intel = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(TestData.read("dcap-qvl/TrustedRootCA.der")));
        assertThat(chain.get(2)).isNotEqualTo(intel);
        assertThatThrownBy(() -> chain.get(1).verify(intel.getPublicKey())).isInstanceOf(SignatureException.class);
    }

    @Test
    @DisplayName("A simulated v5 quote carries the TDX 1.5 body (type 3, 648 bytes) and signs header, type, size and body")
    void v5() throws Exception {
        SimulatedTd td = SimulatedTd.boot(TdConfig.production(), SimSettings.builder().quoteVersion(5).build());
        byte[] q = quote(td, reportData());
        ByteBuffer b = ByteBuffer.wrap(q).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getShort(0)).isEqualTo((short) 5);
        assertThat(b.getShort(48)).isEqualTo((short) 3);
        assertThat(b.getInt(50)).isEqualTo(648);
        int sigStart = 54 + 648 + 4;
        byte[] attKey = Arrays.copyOfRange(q, sigStart + 64, sigStart + 128);
        assertThat(verifyRaw(rawKey(attKey), Arrays.copyOfRange(q, 0, 54 + 648),
                Arrays.copyOfRange(q, sigStart, sigStart + 64))).isTrue();
        Quote decoded = Quote.decode(q);
        assertThat(decoded.body().tdx15()).isTrue();
        assertThat(decoded.body().teeTcbSvn2()).isEqualTo(td.config().teeTcbSvn());
        byte[] real = TestData.read("dcap-qvl/tdx_quote_outdated");
        assertThat(ByteBuffer.wrap(real).order(ByteOrder.LITTLE_ENDIAN).getInt(50)).isEqualTo(648);
    }

    @Test
    @DisplayName("Quotes are deterministic: the same seed gives the same bytes, another seed another attestation key")
    void deterministic() throws Exception {
        byte[] a = quote(SimulatedTd.boot(), reportData());
        byte[] b = quote(SimulatedTd.boot(), reportData());
        byte[] c = quote(SimulatedTd.boot(TdConfig.production(), SimSettings.builder().seed(3).build()), reportData());
        assertThat(a).isEqualTo(b);
        assertThat(Arrays.copyOfRange(c, 700, 764)).isNotEqualTo(Arrays.copyOfRange(a, 700, 764));
    }

    @Test
    @DisplayName("Simulated collateral: QuoteCollateralV3 fields, signatures by the TCB signing key, FMSPC of the PCK certificate")
    void collateral() throws Exception {
        SimulatedTd td = SimulatedTd.boot();
        byte[] q = quote(td, reportData());
        SimulatedCollateral col = td.quotingService().collateral();
        ObjectMapper json = new ObjectMapper();
        JsonNode c = json.readTree(col.quoteCollateralV3Json());
        JsonNode real = json.readTree(TestData.read("dcap-qvl/tdx_quote_collateral.json"));
        assertThat(iterable(c.fieldNames())).containsExactlyElementsOf(iterable(real.fieldNames()));
        List<X509Certificate> tcbChain = chain(c.get("tcb_info_issuer_chain").asText()
                .getBytes(StandardCharsets.US_ASCII));
        SimulatedPki pki = td.quotingService().pki();
        tcbChain.get(0).verify(pki.rootCertificate().getPublicKey());
        assertThat(verifyRaw(tcbChain.get(0).getPublicKey(), c.get("tcb_info").asText()
                .getBytes(StandardCharsets.UTF_8), HexFormat.of().parseHex(c.get("tcb_info_signature").asText())))
                .isTrue();
        assertThat(verifyRaw(tcbChain.get(0).getPublicKey(), c.get("qe_identity").asText()
                .getBytes(StandardCharsets.UTF_8), HexFormat.of().parseHex(c.get("qe_identity_signature").asText())))
                .isTrue();
        pki.rootCaCrl().verify(pki.rootCertificate().getPublicKey());
        pki.pckCrl().verify(pki.pckPlatformCaCertificate().getPublicKey());
        JsonNode tcbInfo = json.readTree(c.get("tcb_info").asText());
        QeReportCertificationData cert = Quote.decode(q).signatureData().qeReportCertificationData().orElseThrow();
        PckExtensions ext = cert.pckCertChain().orElseThrow().pckExtensions();
        assertThat(tcbInfo.get("fmspc").asText()).isEqualToIgnoringCase(HexFormat.of().formatHex(ext.fmspc()));
        JsonNode top = tcbInfo.get("tcbLevels").get(0);
        assertThat(top.get("tcbStatus").asText()).isEqualTo("UpToDate");
        for (int i = 0; i < 16; i++) {
            assertThat(ext.tcbComponents().get(i)).isGreaterThanOrEqualTo(
                    top.get("tcb").get("sgxtcbcomponents").get(i).get("svn").asInt());
        }
        JsonNode qe = json.readTree(c.get("qe_identity").asText());
        assertThat(qe.get("mrsigner").asText()).isEqualToIgnoringCase(HexFormat.of().formatHex(
                cert.qeReport().mrSigner()));
        assertThat(cert.qeReport().isvSvn()).isGreaterThanOrEqualTo(
                qe.get("tcbLevels").get(0).get("tcb").get("isvsvn").asInt());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
