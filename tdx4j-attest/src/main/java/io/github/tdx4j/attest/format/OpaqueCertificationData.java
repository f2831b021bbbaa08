package io.github.tdx4j.attest.format;

/**
 * Certification data of a type this library does not interpret (PPID forms, a bare PCK leaf, a platform
 * manifest, or an unknown type), kept as bytes so that the quote encodes back unchanged.
 *
 * @param type    the certification data type
 * @param payload the payload bytes
 */
public record OpaqueCertificationData(CertificationDataType type, byte[] payload) implements CertificationData {
    public OpaqueCertificationData {
        if (type == null) {
            throw new NullPointerException("type");
        }
        payload = Values.copyAtMost(payload, 0xFFFF_FFFFL, "payload");
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpaqueCertificationData other && type.equals(other.type)
                && java.util.Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + java.util.Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return Values.text("OpaqueCertificationData", "type", type, "payload", payload);
    }
}
