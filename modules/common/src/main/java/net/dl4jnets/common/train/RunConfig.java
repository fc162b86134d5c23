package net.dl4jnets.common.train;

import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.io.Json;
import net.dl4jnets.common.io.UserError;

/**
 * A run's config.json, as one record: what was trained (the model's own hyper-parameter record, kept as JSON and
 * read back into that record by {@link #hyperParameters(Class)}), how ({@link TrainingConfig}), on what data, on
 * which backend and from which commit. {@code predict}, {@code generate}, {@code compare} and {@code --resume} read
 * it through {@link #read}; a file of another version or with a field missing is refused with one line naming both.
 *
 * @param model        the command that trained it ({@code cnn}, {@code char-lstm})
 * @param architecture the architecture's id ({@code cnn-modern}; the folder under runs/)
 * @param parameters   trainable parameters of the graph
 * @param kernels      the fast engine's kernels that ran it (none: stock DL4J), as the engine's door chose them
 */
public record RunConfig(int version, String model, String architecture, long parameters, JsonElement hyperParameters,
                        TrainingConfig training, DataRecord data, String backend, List<String> kernels,
                        String gitCommit, boolean gitDirty, String created) {
    public static final int VERSION = 2;
    public static final String FILE = "config.json";

    /**
     * What the run trained and was evaluated on. For images: the layout and standardisation its inputs need, the
     * augmentation it trained with, and the sizes of the split. For text: the corpus and the vocabulary size.
     */
    public record DataRecord(String source, Layout layout, Standardization standardize, Augmentation augmentation,
                             int trainExamples, int validationExamples, int testExamples, int vocabulary) {
        public static DataRecord images(String source, Layout layout, double[] meanStd, Augmentation augmentation,
                                        int train, int validation, int test) {
            return new DataRecord(source, layout, meanStd == null ? null : new Standardization(meanStd[0], meanStd[1]),
                    augmentation, train, validation, test, 0);
        }

        public static DataRecord text(String source, int vocabulary, int trainCharacters, int validationCharacters,
                                      int testCharacters) {
            return new DataRecord(source, null, null, null, trainCharacters, validationCharacters, testCharacters,
                    vocabulary);
        }

        /** {mean, std} of the training pixels, or null if the inputs are not standardised. */
        public double[] meanStd() {
            return standardize == null ? null : new double[] {standardize.mean(), standardize.std()};
        }
    }

    public record Standardization(double mean, double std) {}

    /** The model's hyper-parameters as the record the model declares. */
    public <T> T hyperParameters(Class<T> type) {
        try {
            return Json.GSON.fromJson(hyperParameters, type);
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new UserError(FILE + ": field hyper_parameters does not fit " + type.getSimpleName() + " ("
                    + e.getMessage() + ").", e);
        }
    }

    /**
     * The components in which two records of one type differ (compared as JSON, nested records by their top-level
     * component), in declaration order.
     */
    public static List<String> differences(Record a, Record b) {
        JsonObject x = Json.GSON.toJsonTree(a).getAsJsonObject();
        JsonObject y = Json.GSON.toJsonTree(b).getAsJsonObject();
        List<String> changed = new ArrayList<>();
        for (RecordComponent c : a.getClass().getRecordComponents()) {
            String key = FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES.translateName(field(a.getClass(), c.getName()));
            if (!Objects.equals(x.get(key), y.get(key))) {
                changed.add(c.getName());
            }
        }
        return changed;
    }

    private static Field field(Class<?> type, String name) {
        try {
            return type.getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same record with the settings a resumed run trains with. */
    public RunConfig withTraining(TrainingConfig t) {
        return new RunConfig(version, model, architecture, parameters, hyperParameters, t, data, backend, kernels,
                gitCommit, gitDirty, created);
    }

    public void write(Path dir) {
        Json.write(this, dir.resolve(FILE));
    }

    /** The config.json of a run folder (or of the folder of a model file in it). */
    public static RunConfig read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new UserError(dir + ": no " + FILE + " there; is it a run folder written by a nets training command?");
        }
        RunConfig c = Json.read(file, RunConfig.class);
        if (c.version() != VERSION) {
            throw new UserError(file + ": field version is " + (c.version() == 0 ? "missing" : c.version())
                    + ", this build reads version " + VERSION + "; the run was written by another version of nets.");
        }
        require(file, "model", c.model());
        require(file, "architecture", c.architecture());
        require(file, "training", c.training());
        require(file, "data", c.data());
        require(file, "hyper_parameters", c.hyperParameters());
        return c;
    }

    private static void require(Path file, String field, Object value) {
        if (value == null) {
            throw new UserError(file + ": field " + field + " is missing.");
        }
    }
}
