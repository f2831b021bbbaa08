package io.github.tdx4j.attest.verify;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * The time window in which a set of collateral items is valid: from the latest start (issueDate, thisUpdate,
 * notBefore) to the earliest end (nextUpdate, notAfter), with the names of the items that set the bounds.
 */
record Window(Instant notBefore, String startItem, Instant notAfter, String endItem) {
    static final Window ALWAYS = new Window(Instant.MIN, "nothing", Instant.MAX, "nothing");

    Window with(Instant start, Instant end, String item) {
        Instant nb = notBefore;
        String si = startItem;
        Instant na = notAfter;
        String ei = endItem;
        if (start.isAfter(nb)) {
            nb = start;
            si = item;
        }
        if (end.isBefore(na)) {
            na = end;
            ei = item;
        }
        return new Window(nb, si, na, ei);
    }

    Window with(X509Certificate c, String item) {
        return with(c.getNotBefore().toInstant(), c.getNotAfter().toInstant(),
                item + " (" + c.getSubjectX500Principal().getName() + ")");
    }

    Window with(X509CRL crl, String item) throws Refusal {
        if (crl.getNextUpdate() == null) {
            throw new Refusal(ErrorCode.MALFORMED_COLLATERAL, item + " has no nextUpdate");
        }
        return with(crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant(), item);
    }

    Window with(Window other) {
        Window w = this;
        if (other.notBefore.isAfter(w.notBefore)) {
            w = new Window(other.notBefore, other.startItem, w.notAfter, w.endItem);
        }
        if (other.notAfter.isBefore(w.notAfter)) {
            w = new Window(w.notBefore, w.startItem, other.notAfter, other.endItem);
        }
        return w;
    }
}
