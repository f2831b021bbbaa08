package io.github.tdx4j.attest.collateral;

import java.util.List;
import java.util.Objects;

/**
 * The expected identity of a TDX module: {@code tdxModule} (one identity for all module versions, id empty) or an
 * entry of {@code tdxModuleIdentities} (id {@code TDX_%02X}, per major version, with its own TCB levels).
 *
 * <p>Intel PCS API v4, "TDX TCB Info" v3. Byte fields are lowercase hex as served (case-folded).
 *
 * @param id             {@code TDX_01}, {@code TDX_03}, ...; empty for {@code tdxModule}
 * @param mrSigner       expected MRSIGNERSEAM, 48 bytes (zero for Intel's modules)
 * @param attributes     expected SEAMATTRIBUTES, 8 bytes
 * @param attributesMask a SEAMATTRIBUTES mask, 8 bytes, kept as served (Intel QVL does not apply it)
 * @param tcbLevels      module TCB levels keyed by TEE_TCB_SVN[0], highest SVN first; empty for {@code tdxModule}
 */
public record TdxModuleIdentity(String id, String mrSigner, String attributes, String attributesMask,
                                List<IsvTcbLevel> tcbLevels) {
    public TdxModuleIdentity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(mrSigner, "mrSigner");
        Objects.requireNonNull(attributes, "attributes");
        Objects.requireNonNull(attributesMask, "attributesMask");
        tcbLevels = tcbLevels.stream().sorted(IsvTcbLevel.DESCENDING).toList();
    }
}
