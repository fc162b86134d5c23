package net.dl4jnets.common.data;

import java.nio.file.Path;

/** Where the project's data folder is: {@code <nets.home>/data}, where the launcher sets {@code nets.home}. */
public final class DataPaths {
    public static final String HOME_PROPERTY = "nets.home";

    private DataPaths() {}

    public static Path home() {
        String home = System.getProperty(HOME_PROPERTY);
        return Path.of(home != null && !home.isBlank() ? home : ".").toAbsolutePath().normalize();
    }

    public static Path dataDir() {
        return home().resolve("data");
    }
}
