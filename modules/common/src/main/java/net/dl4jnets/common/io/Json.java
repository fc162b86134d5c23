package net.dl4jnets.common.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;

/**
 * JSON files of a run (config, state, evaluation), bound to records: snake_case names, pretty, NaN allowed, paths
 * as strings, written atomically.
 */
public final class Json {
    public static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .disableHtmlEscaping().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .registerTypeHierarchyAdapter(Path.class, new PathAdapter().nullSafe()).create();

    private Json() {}

    public static void write(Object value, Path file) {
        AtomicFiles.writeText(GSON.toJson(value) + System.lineSeparator(), file);
    }

    /** Reads a file into a value; a file that is missing, empty or not JSON of that shape is a user error. */
    public static <T> T read(Path file, Class<T> type) {
        try {
            T value = GSON.fromJson(Files.readString(file), type);
            if (value == null) {
                throw new UserError(file + ": the file is empty.");
            }
            return value;
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new UserError(file + ": not valid JSON of the expected shape (" + e.getMessage().lines().findFirst()
                    .orElse("") + ").", e);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file.", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class PathAdapter extends TypeAdapter<Path> {
        @Override
        public void write(JsonWriter out, Path value) throws IOException {
            out.value(value.toString());
        }

        @Override
        public Path read(JsonReader in) throws IOException {
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
                return null;
            }
            return Path.of(in.nextString());
        }
    }
}
