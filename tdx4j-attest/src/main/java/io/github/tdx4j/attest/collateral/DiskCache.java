package io.github.tdx4j.attest.collateral;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The on-disk cache of {@link PcsClient}: per key, {@code KEY.body} (the response body as received) and
 * {@code KEY.chain} (the issuer chain header, decoded). Files are written to a temporary name and moved into
 * place, so a reader never sees half a file; the body is moved last-but-one and the chain last, and a reader
 * needs both.
 */
final class DiskCache {
    private final Path dir;

    DiskCache(Path dir) {
        this.dir = dir;
    }

    Optional<PcsClient.Item> read(String key) {
        Path body = dir.resolve(key + ".body");
        Path chain = dir.resolve(key + ".chain");
        if (!Files.isRegularFile(body) || !Files.isRegularFile(chain)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PcsClient.Item(Files.readAllBytes(body),
                    Files.readString(chain, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new CollateralException(CollateralException.Reason.CACHE_IO,
                    "reading cached " + key + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    void write(String key, PcsClient.Item item) {
        try {
            Files.createDirectories(dir);
            put(dir.resolve(key + ".body"), item.body());
            put(dir.resolve(key + ".chain"), item.chain().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CollateralException(CollateralException.Reason.CACHE_IO,
                    "writing cached " + key + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void put(Path target, byte[] data) throws IOException {
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, data);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
