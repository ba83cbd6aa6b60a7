package dev.basalt.gguf.manifest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Streams files through SHA-256 and reports progress over all the files of one operation. Hashing is
 * CPU-bound (the JDK's SHA-256 uses the CPU's SHA extensions where present), so plain reads into one large
 * heap buffer keep up with the disk; mapping would only add page-fault overhead for a single sequential pass.
 */
public final class Sha256Hasher {
    /** Large enough that the per-read system call cost disappears, small enough to stay in L2/L3. */
    private static final int BUFFER_BYTES = 4 << 20;

    private final HashProgress progress;
    private final long totalBytes;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private final MessageDigest digest;
    private long doneBytes;

    /** {@code totalBytes} is what the caller expects to hash in all, for the progress reports. */
    public Sha256Hasher(long totalBytes, HashProgress progress) {
        this.totalBytes = totalBytes;
        this.progress = progress;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The file's SHA-256 as 64 lowercase hex digits. */
    public String hash(Path file) throws IOException {
        digest.reset();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (true) {
                buffer.clear();
                int n = ch.read(buffer);
                if (n < 0) {
                    break;
                }
                digest.update(buffer.array(), 0, n);
                doneBytes += n;
                progress.update(doneBytes, totalBytes);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Bytes hashed so far by this hasher. */
    public long doneBytes() {
        return doneBytes;
    }
}
