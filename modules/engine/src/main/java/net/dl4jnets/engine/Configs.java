package net.dl4jnets.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

/**
 * Moves a configuration between a DL4J class and the kernel that subclasses it, through DL4J's own JSON: the form a
 * model file holds. Every setting a builder made (activation, initialisation, dropout, updaters, regularisation,
 * constraints, sizes...) crosses as it would into a file and back, and nothing of DL4J's private fields is touched.
 * If a DL4J upgrade added a setting, it crosses too; if it broke the round trip, DL4J's own model files would break
 * with it, and {@code ConfigsTest} names the class.
 */
final class Configs {
    private Configs() {}

    private static final ObjectMapper JSON = NeuralNetConfiguration.mapper();

    /**
     * {@code config} as an instance of {@code type}, another class of its hierarchy: the same JSON under another
     * class name. A kernel's own settings (not in the stock class) are left at their defaults one way and dropped the
     * other.
     */
    static <T> T as(Object config, Class<T> type) {
        try {
            ObjectNode tree = JSON.valueToTree(config);
            tree.put("@class", type.getName());
            return JSON.treeToValue(tree, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("DL4J's JSON cannot carry " + config.getClass().getName() + " over to "
                    + type.getName() + ": " + e.getMessage(), e);
        }
    }
}
