package net.dl4jnets.common.data;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import net.dl4jnets.common.io.UserError;

/**
 * Finds Fashion-MNIST, in this order: an explicit directory ({@code --data-dir}, else {@value #ENV_DIR}),
 * {@code data/fashion-mnist}, the Debian/Ubuntu package {@code dataset-fashion-mnist}, and last a verified download
 * into {@code data/fashion-mnist} from {@value #DEFAULT_MIRROR} (or {@value #ENV_MIRROR}).
 */
public final class FashionMnistLocator {
    public static final String ENV_DIR = "FASHION_MNIST_DIR";
    public static final String ENV_MIRROR = "FASHION_MNIST_MIRROR";
    public static final String DEFAULT_MIRROR = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private final Path explicitDir;
    private final Path projectDir;
    private final Path systemDir;
    private final URI mirror;

    public FashionMnistLocator(Path explicitDir, Path projectDir, Path systemDir, URI mirror) {
        this.explicitDir = explicitDir;
        this.projectDir = projectDir;
        this.systemDir = systemDir;
        this.mirror = mirror;
    }

    /** The locator a program uses: explicit dir from the option or the environment, the usual places. */
    public static FashionMnistLocator standard(Path dataDirOption) {
        Map<String, String> env = System.getenv();
        Path explicit = dataDirOption != null ? dataDirOption
                : env.containsKey(ENV_DIR) && !env.get(ENV_DIR).isBlank() ? Path.of(env.get(ENV_DIR)) : null;
        String mirror = env.getOrDefault(ENV_MIRROR, DEFAULT_MIRROR);
        return new FashionMnistLocator(explicit, DataPaths.dataDir().resolve("fashion-mnist"), DEBIAN_DIR,
                URI.create(mirror.endsWith("/") ? mirror : mirror + "/"));
    }

    /** A directory holding the four files, and a description of where it came from. */
    public record Found(Path dir, String source) {}

    public Found locate() {
        if (explicitDir != null) {
            if (!complete(explicitDir)) {
                throw new UserError(explicitDir + " (from --data-dir or " + ENV_DIR + ") does not hold the four "
                        + "Fashion-MNIST files " + fileNames() + "; point it at the folder that does.");
            }
            return new Found(explicitDir, "explicit directory " + explicitDir);
        }
        if (complete(projectDir)) {
            return new Found(projectDir, "project folder " + projectDir);
        }
        if (complete(systemDir)) {
            return new Found(systemDir, "Debian package dataset-fashion-mnist (" + systemDir + ")");
        }
        List<String> failures = new ArrayList<>();
        for (FashionMnist.IdxFile f : FashionMnist.IdxFile.values()) {
            if (f.find(projectDir) != null) {
                continue;
            }
            URI uri = mirror.resolve(f.baseName + ".gz");
            System.err.println("Downloading " + uri + " into " + projectDir);
            try {
                VerifiedDownload.fetch(uri, projectDir.resolve(f.baseName + ".gz"), VerifiedDownload.sha256(f.sha256));
            } catch (UserError e) {
                failures.add(e.getMessage());
                break;
            }
        }
        if (failures.isEmpty() && complete(projectDir)) {
            return new Found(projectDir, "downloaded from " + mirror + " into " + projectDir);
        }
        throw new UserError("Fashion-MNIST not found. Looked in " + projectDir + " and " + systemDir
                + ", then tried to download: " + String.join("; ", failures) + " To fix: `sudo apt-get install "
                + "dataset-fashion-mnist`, or put the four files " + fileNames() + " in " + projectDir
                + ", or pass --data-dir DIR, or set " + ENV_MIRROR + " to a reachable mirror.");
    }

    /**
     * Finds the data and loads it, verified. If the folder found first is broken, the error says which file is wrong
     * and, where a later place holds a valid copy, where that is.
     */
    public FashionMnist load() {
        return load(locate());
    }

    /** Loads what {@link #locate()} found, verified, with the same advice if it is broken. */
    public FashionMnist load(Found found) {
        try {
            return FashionMnist.load(found.dir(), found.source());
        } catch (UserError broken) {
            for (Path other : new Path[] {projectDir, systemDir}) {
                if (!other.equals(found.dir()) && complete(other) && valid(other)) {
                    throw new UserError(broken.getMessage() + " A valid copy is in " + other + ": delete or repair "
                            + found.dir() + ", or pass --data-dir " + other + ".", broken);
                }
            }
            throw broken;
        }
    }

    private static boolean valid(Path dir) {
        try {
            FashionMnist.load(dir, dir.toString());
            return true;
        } catch (UserError e) {
            return false;
        }
    }

    private static boolean complete(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        for (FashionMnist.IdxFile f : FashionMnist.IdxFile.values()) {
            if (f.find(dir) == null) {
                return false;
            }
        }
        return true;
    }

    private static String fileNames() {
        List<String> names = new ArrayList<>();
        for (FashionMnist.IdxFile f : FashionMnist.IdxFile.values()) {
            names.add(f.baseName + "[.gz]");
        }
        return String.join(", ", names);
    }
}
