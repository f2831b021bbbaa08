package io.github.tdx4j.ratls;

import java.util.Optional;

/** The relying party's own last word on a peer that passed every other rule (for example, an allow-list of RTMRs). */
@FunctionalInterface
public interface PeerCallback {
    /** Why {@code peer} is refused, or empty to accept it. */
    Optional<String> refusal(AttestedPeer peer);
}
