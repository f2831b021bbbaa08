package io.github.tdx4j.cli;

import io.github.tdx4j.attest.verify.TrustedRoot;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;

/**
 * {@code verify --root FILE}: one X.509 certificate, PEM or DER. A file that is something else gets one sentence
 * naming the file, not the certificate parser's message.
 */
final class RootFile {
    private RootFile() {
    }

    /** The trusted root in {@code file}. */
    static TrustedRoot read(Path file) throws CliFiles.FileFailure {
        byte[] content = CliFiles.read(file);
        String name = CliPaths.show(file);
        Collection<? extends Certificate> certs;
        try {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(content));
        } catch (CertificateException e) {
            throw new CliFiles.FileFailure(name + " is not a root certificate: it holds no PEM or DER X.509 "
                    + "certificate");
        }
        if (certs.size() != 1) {
            throw new CliFiles.FileFailure(name + ": a root file must hold exactly one certificate, holds "
                    + certs.size());
        }
        return TrustedRoot.of((X509Certificate) certs.iterator().next());
    }
}
