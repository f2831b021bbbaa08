package io.github.tdx4j.attest.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link Chains} on its own: the leaf-first order it puts a chain in whatever order it came in (PCS sends leaf
 * first, Intel's QVL samples root first), and the root's place: trusted by pin, it is the one issuer whose CA
 * constraint is not judged.
 */
class ChainsTest {
    private static KeyPair rootKeys;
    private static KeyPair caKeys;
    private static KeyPair leafKeys;
    private static X509Certificate root;
    private static X509Certificate ca;
    private static X509Certificate leaf;
    private static final X500Name ROOT = TestPki.name("Chains Test Root");
    private static final X500Name CA = TestPki.name("Chains Test CA");
    private static final X500Name LEAF = TestPki.name("Chains Test Leaf");

    @BeforeAll
    static void setUp() throws Exception {
        KeyPairGenerator g = TestPki.seededP256(20261208L);
        rootKeys = g.generateKeyPair();
        caKeys = g.generateKeyPair();
        leafKeys = g.generateKeyPair();
        root = TestPki.cert(ROOT, ROOT, BigInteger.ONE, rootKeys, rootKeys, true, null);
        ca = TestPki.cert(ROOT, CA, BigInteger.TWO, caKeys, rootKeys, true, null);
        leaf = TestPki.cert(CA, LEAF, BigInteger.TEN, leafKeys, caKeys, false, null);
    }

    @Test
    @DisplayName("leafFirst puts a chain of three leaf first from any order; a set with two leaves or a gap stays as given")
    void leafFirstOrders() throws Exception {
        List<X509Certificate> want = List.of(leaf, ca, root);
        assertThat(Chains.leafFirst(List.of(leaf, ca, root))).containsExactlyElementsOf(want);
        assertThat(Chains.leafFirst(List.of(root, ca, leaf))).as("root first, as Intel's QVL samples")
                .containsExactlyElementsOf(want);
        assertThat(Chains.leafFirst(List.of(ca, root, leaf))).containsExactlyElementsOf(want);
        X509Certificate otherLeaf = TestPki.cert(CA, TestPki.name("Other Leaf"), BigInteger.valueOf(11), leafKeys,
                caKeys, false, null);
        assertThat(Chains.leafFirst(List.of(root, leaf, otherLeaf, ca))).as("two leaves")
                .containsExactly(root, leaf, otherLeaf, ca);
        assertThat(Chains.leafFirst(List.of(root, leaf))).as("the CA between them missing")
                .containsExactly(root, leaf);
    }

    @Test
    @DisplayName("The pinned root need not carry the CA constraint (trusted by name and key); an intermediate must")
    void onlyIntermediatesMustBeCas() throws Exception {
        X509Certificate plainRoot = TestPki.cert(ROOT, ROOT, BigInteger.ONE, rootKeys, rootKeys, false, null);
        P256 p256 = P256.of(CryptoEngine.BOUNCY_CASTLE);
        CallKeys keys = new CallKeys(p256);
        P256.Key rootKey = p256.key(rootKeys.getPublic());
        P256.Key leafKey = Chains.verify(List.of(leaf, ca, plainRoot), 3, TrustedRoot.of(plainRoot), rootKey, keys,
                ErrorCode.PCK_CHAIN_INVALID, "the chain");
        assertThat(leafKey.sameAs(p256.key(leafKeys.getPublic()))).isTrue();
        X509Certificate plainCa = TestPki.cert(ROOT, CA, BigInteger.TWO, caKeys, rootKeys, false, null);
        try {
            Chains.verify(List.of(leaf, plainCa, root), 3, TrustedRoot.of(root), rootKey, keys,
                    ErrorCode.PCK_CHAIN_INVALID, "the chain");
            throw new AssertionError("a chain through a CA certificate without the CA constraint verified");
        } catch (Refusal r) {
            assertThat(r.code).isEqualTo(ErrorCode.PCK_CHAIN_INVALID);
            assertThat(r.getMessage()).contains("is not a CA");
        }
    }
}
