package io.github.tdx4j.attest.format;

/**
 * A certification data type, as received in a quote: an open value type, so an unknown type decodes and prints as
 * hex instead of failing.
 *
 * <p>Intel DCAP {@code sgx_quote_3.h} / {@code sgx_quote_4.h} ({@code PPID_CLEARTEXT} ... {@code
 * QE_REPORT_CERT_DATA}, "Certification Data Type" table of the ECDSA quote library API). TD quotes v4/v5 carry type
 * 6 outside and type 5 inside.
 *
 * @param raw the u16 value from the quote
 */
public record CertificationDataType(int raw) {
    /** 1: PPID in clear text, CPUSVN, PCESVN, PCE ID. */
    public static final CertificationDataType PPID_CLEARTEXT = new CertificationDataType(1);
    /** 2: PPID encrypted with RSA-2048-OAEP, CPUSVN, PCESVN, PCE ID. */
    public static final CertificationDataType PPID_RSA2048_OAEP = new CertificationDataType(2);
    /** 3: PPID encrypted with RSA-3072-OAEP, CPUSVN, PCESVN, PCE ID. */
    public static final CertificationDataType PPID_RSA3072_OAEP = new CertificationDataType(3);
    /** 4: the PCK leaf certificate. */
    public static final CertificationDataType PCK_LEAF_CERT = new CertificationDataType(4);
    /** 5: the PCK certificate chain (PCK leaf, PCK Platform/Processor CA, Intel SGX Root CA). */
    public static final CertificationDataType PCK_CERT_CHAIN = new CertificationDataType(5);
    /** 6: QE report certification data (QE report, its signature, QE auth data and inner certification data). */
    public static final CertificationDataType QE_REPORT_CERTIFICATION_DATA = new CertificationDataType(6);
    /** 7: platform manifest. */
    public static final CertificationDataType PLATFORM_MANIFEST = new CertificationDataType(7);

    private static final String[] NAMES = {null, "PPID_CLEARTEXT", "PPID_RSA2048_OAEP", "PPID_RSA3072_OAEP",
            "PCK_LEAF_CERT", "PCK_CERT_CHAIN", "QE_REPORT_CERTIFICATION_DATA", "PLATFORM_MANIFEST"};

    public CertificationDataType {
        QuoteHeader.checkU16(raw, "certification data type");
    }

    /** The spec name, or {@code UNKNOWN(0x…)}. */
    public String name() {
        return raw > 0 && raw < NAMES.length ? NAMES[raw] : "UNKNOWN(0x" + Integer.toHexString(raw) + ")";
    }

    @Override
    public String toString() {
        return name() + "(" + raw + ")";
    }
}
