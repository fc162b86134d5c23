package net.dl4jnets.common.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import net.dl4jnets.common.cli.UserError;
import net.dl4jnets.common.train.Checkpoints;

/** JSON files of a run (config, state, evaluation): pretty, NaN allowed, written atomically. */
public final class Json {
    public static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .disableHtmlEscaping().create();

    private Json() {}

    public static void write(Object value, Path file) {
        Checkpoints.saveText(GSON.toJson(value) + System.lineSeparator(), file);
    }

    public static <T> T read(Path file, Class<T> type) {
        try {
            return GSON.fromJson(Files.readString(file), type);
        } catch (JsonParseException e) {
            throw new UserError(file + ": not valid JSON (" + e.getMessage() + ").", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
