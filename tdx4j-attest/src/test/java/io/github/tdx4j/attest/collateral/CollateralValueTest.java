package io.github.tdx4j.attest.collateral;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link Collateral} as a value: the verifier keys its cache of checked collateral on it, so two collaterals are equal
 * only when all nine fields are, byte arrays are copied in and out, and the {@code with...} copies change only the
 * fields they name.
 */
class CollateralValueTest {
    private static final byte[] SIG_A = new byte[64];
    private static final byte[] SIG_B = filled(64, 7);

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    private static Collateral base() {
        return new Collateral("pck chain", new byte[] {1, 2}, new byte[] {3, 4, 5}, "tcb chain", "{\"tcb\":1}", SIG_A,
                "qe chain", "{\"qe\":1}", SIG_A);
    }

    @Test
    @DisplayName("Equal exactly when all nine fields are: a change in any one field makes another collateral")
    void equalityCoversEveryField() {
        Collateral a = base();
        assertThat(a).isEqualTo(base()).hasSameHashCodeAs(base());
        List<Collateral> oneFieldChanged = List.of(
                new Collateral("other", new byte[] {1, 2}, new byte[] {3, 4, 5}, "tcb chain", "{\"tcb\":1}", SIG_A,
                        "qe chain", "{\"qe\":1}", SIG_A),
                new Collateral("pck chain", new byte[] {1, 9}, new byte[] {3, 4, 5}, "tcb chain", "{\"tcb\":1}", SIG_A,
                        "qe chain", "{\"qe\":1}", SIG_A),
                new Collateral("pck chain", new byte[] {1, 2}, new byte[] {3, 4, 9}, "tcb chain", "{\"tcb\":1}", SIG_A,
                        "qe chain", "{\"qe\":1}", SIG_A),
                new Collateral("pck chain", new byte[] {1, 2}, new byte[] {3, 4, 5}, "other", "{\"tcb\":1}", SIG_A,
                        "qe chain", "{\"qe\":1}", SIG_A),
                new Collateral("pck chain", new byte[] {1, 2}, new byte[] {3, 4, 5}, "tcb chain", "{\"tcb\":2}", SIG_A,
                        "qe chain", "{\"qe\":1}", SIG_A),
                new Collateral("pck chain", new byte[] {1, 2}, new byte[] {3, 4, 5}, "tcb chain", "{\"tcb\":1}", SIG_B,
                        "qe chain", "{\"qe\":1}", SIG_A),
                new Collateral("pck chain", new byte[] {1, 2}, new byte[] {3, 4, 5}, "tcb chain", "{\"tcb\":1}", SIG_A,
                        "other", "{\"qe\":1}", SIG_A),
                new Collateral("pck chain", new byte[] {1, 2}, new byte[] {3, 4, 5}, "tcb chain", "{\"tcb\":1}", SIG_A,
                        "qe chain", "{\"qe\":2}", SIG_A),
                new Collateral("pck chain", new byte[] {1, 2}, new byte[] {3, 4, 5}, "tcb chain", "{\"tcb\":1}", SIG_A,
                        "qe chain", "{\"qe\":1}", SIG_B));
        for (Collateral other : oneFieldChanged) {
            assertThat(a).isNotEqualTo(other);
            assertThat(a.hashCode()).as("hash of %s", other).isNotEqualTo(other.hashCode());
        }
        assertThat(a).isNotEqualTo("not collateral");
    }

    @Test
    @DisplayName("Byte arrays are copied in and out: changing the caller's array or a returned one changes nothing")
    void byteArraysAreCopied() {
        byte[] root = {1, 2};
        byte[] sig = filled(64, 1);
        Collateral c = new Collateral("p", root, new byte[] {3}, "t", "{}", sig, "q", "{}", sig);
        root[0] = 9;
        sig[0] = 9;
        assertThat(c.rootCaCrl()).containsExactly(1, 2);
        assertThat(c.tcbInfoSignature()[0]).isEqualTo((byte) 1);
        assertThat(c.qeIdentitySignature()[0]).isEqualTo((byte) 1);
        c.rootCaCrl()[0] = 9;
        c.pckCrl()[0] = 9;
        c.tcbInfoSignature()[0] = 9;
        c.qeIdentitySignature()[0] = 9;
        assertThat(c.rootCaCrl()[0]).isEqualTo((byte) 1);
        assertThat(c.pckCrl()[0]).isEqualTo((byte) 3);
        assertThat(c.tcbInfoSignature()[0]).isEqualTo((byte) 1);
        assertThat(c.qeIdentitySignature()[0]).isEqualTo((byte) 1);
    }

    @Test
    @DisplayName("withTcbInfo, withQeIdentity and withCrls replace exactly their fields")
    void copiesReplaceOnlyTheirFields() {
        Collateral a = base();
        Collateral t = a.withTcbInfo("{\"tcb\":2}", SIG_B);
        assertThat(t).isEqualTo(new Collateral("pck chain", new byte[] {1, 2}, new byte[] {3, 4, 5}, "tcb chain",
                "{\"tcb\":2}", SIG_B, "qe chain", "{\"qe\":1}", SIG_A));
        Collateral q = a.withQeIdentity("{\"qe\":2}", SIG_B);
        assertThat(q).isEqualTo(new Collateral("pck chain", new byte[] {1, 2}, new byte[] {3, 4, 5}, "tcb chain",
                "{\"tcb\":1}", SIG_A, "qe chain", "{\"qe\":2}", SIG_B));
        Collateral crls = a.withCrls(new byte[] {7}, new byte[] {8});
        assertThat(crls).isEqualTo(new Collateral("pck chain", new byte[] {7}, new byte[] {8}, "tcb chain",
                "{\"tcb\":1}", SIG_A, "qe chain", "{\"qe\":1}", SIG_A));
    }

    @Test
    @DisplayName("toString gives the sizes and the TCB info signature, not the chains or the texts")
    void printedForm() {
        assertThat(new Collateral("p", new byte[] {1, 2}, new byte[] {3, 4, 5}, "t", "{\"tcb\":1}", new byte[] {0x0a},
                "q", "{}", new byte[] {0x0b}).toString())
                .isEqualTo("Collateral[tcbInfo 9 chars, signature 0a, qeIdentity 2 chars, rootCaCrl 2 B, pckCrl 3 B]");
    }

    @Test
    @DisplayName("PcsResponses.SignedJson: signature copied in and out, equal by text and signature, printed by size")
    void signedJsonValue() {
        byte[] sig = {1, 2};
        PcsResponses.SignedJson a = new PcsResponses.SignedJson("{}", sig);
        sig[0] = 9;
        assertThat(a.signature()).containsExactly(1, 2);
        a.signature()[0] = 9;
        assertThat(a.signature()[0]).isEqualTo((byte) 1);
        PcsResponses.SignedJson same = new PcsResponses.SignedJson("{}", new byte[] {1, 2});
        assertThat(a).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(a).isNotEqualTo(new PcsResponses.SignedJson("{ }", new byte[] {1, 2}));
        assertThat(a).isNotEqualTo(new PcsResponses.SignedJson("{}", new byte[] {1, 3}));
        assertThat(a.hashCode()).isNotEqualTo(new PcsResponses.SignedJson("{}", new byte[] {1, 3}).hashCode());
        assertThat(a).isNotEqualTo("{}");
        assertThat(a.toString()).isEqualTo("SignedJson[2 chars, signature 0102]");
    }
}
