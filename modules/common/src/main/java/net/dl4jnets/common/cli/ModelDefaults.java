package net.dl4jnets.common.cli;

import java.util.Map;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Feeds a model's default hyper-parameters to picocli, so that {@code --epochs}, {@code --lr} and the rest default
 * to the model's own record and {@code --help} prints them. A model command declares a subclass:
 * {@code @Command(defaultValueProvider = FashionMlp.Defaults.class)}.
 */
public abstract class ModelDefaults implements IDefaultValueProvider {
    /** Option name (with dashes) to default value. Options not listed keep their annotation's default. */
    protected abstract Map<String, Object> defaults();

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec option) {
            Object v = defaults().get(option.longestName());
            return v == null ? null : String.valueOf(v);
        }
        return null;
    }
}
