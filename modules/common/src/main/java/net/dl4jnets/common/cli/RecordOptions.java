package net.dl4jnets.common.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

import net.dl4jnets.common.io.Param;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The options of a hyper-parameter record, derived from its components: one per {@link Param} component (nested
 * records flattened), named after the component ({@code convsPerStage} is {@code --convs-per-stage}), starting at a
 * given record's values, described with that value as the default. {@link #record()} reads them back into a record
 * through its canonical constructor, whose checks then name the option.
 *
 * @param <C> the record
 */
final class RecordOptions<C extends Record> {
    private final Class<C> type;
    private final C start;
    private final List<Object> options; // per component: an OptionSpec, a nested RecordOptions, or null (not an option)

    RecordOptions(Class<C> type, C start) {
        this.type = type;
        this.start = start;
        this.options = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            Object value = value(c, start);
            Param p = c.getAnnotation(Param.class);
            if (c.getType().isRecord() && value != null && p == null) {
                options.add(nested(c.getType(), value));
            } else {
                options.add(p == null ? null : option(c, p, value));
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static RecordOptions<?> nested(Class<?> type, Object start) {
        return new RecordOptions(type, (Record) start);
    }

    /** Adds every option to {@code spec}. */
    void addTo(CommandSpec spec) {
        for (Object o : options) {
            if (o instanceof OptionSpec option) {
                spec.addOption(option);
            } else if (o instanceof RecordOptions<?> nested) {
                nested.addTo(spec);
            }
        }
    }

    /** The record the options hold (the start record's value for a component that is not an option). */
    C record() {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            Object o = options.get(i);
            args[i] = o instanceof OptionSpec option ? option.getValue()
                    : o instanceof RecordOptions<?> nested ? nested.record() : value(components[i], start);
        }
        try {
            return type.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new)).newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r; // the record's own check, a UserError that names the option
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type + " has no canonical constructor to call", e);
        }
    }

    /** The option of a record component: {@code --convs-per-stage} for {@code convsPerStage}. */
    static String name(RecordComponent c) {
        Param p = c.getAnnotation(Param.class);
        return p != null && !p.name().isEmpty() ? p.name() : kebab(c.getName());
    }

    static String kebab(String component) {
        return "--" + component.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static OptionSpec option(RecordComponent c, Param p, Object value) {
        Class<?> t = c.getType();
        String name = name(c);
        OptionSpec.Builder b = OptionSpec.builder(name).description(p.value() + " (default: " + shown(value) + ").")
                .initialValue(value).hasInitialValue(true);
        if (!p.label().isEmpty()) {
            b.paramLabel(p.label());
        }
        if (t == boolean.class || t == Boolean.class) {
            // --flip or --no-flip, whatever the default (picocli's fallback value for the plain form; without it
            // the plain form would toggle a default of true to false)
            b.type(boolean.class).negatable(true).fallbackValue("true");
        } else if (List.class.isAssignableFrom(t)) {
            Type element = ((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0];
            b.type(List.class).auxiliaryTypes((Class<?>) element).splitRegex(",").arity("1")
                    .initialValue(value == null ? null : new ArrayList<>((List<?>) value));
        } else if (t == Double.class) {
            b.type(double.class);
        } else if (t == Integer.class) {
            b.type(int.class);
        } else if (t.isEnum()) {
            b.type(t).completionCandidates(Arrays.stream(t.getEnumConstants()).map(RecordOptions::shown).toList());
        } else {
            b.type(t);
        }
        OptionSpec option = b.build();
        // picocli applies the initial value when it parses; a resumed run's record is read before any parse
        option.setValue(option.initialValue());
        return option;
    }

    /** A default as the user would type it: 1024,512,256; lstm; 0.3. */
    private static String shown(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return value instanceof Enum<?> e ? e.toString().toLowerCase(Locale.ROOT) : String.valueOf(value);
    }

    private static Object value(RecordComponent c, Object record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + record, e);
        }
    }

    /** The components in which two records of {@code type} differ, as options ({@code --width}). */
    static List<String> differences(Record a, Record b) {
        List<String> changed = new ArrayList<>();
        for (RecordComponent c : a.getClass().getRecordComponents()) {
            Object x = value(c, a);
            Object y = value(c, b);
            if (x instanceof Record rx && y instanceof Record ry && c.getAnnotation(Param.class) == null) {
                changed.addAll(differences(rx, ry));
            } else if (!Objects.equals(x, y)) {
                changed.add(name(c));
            }
        }
        return changed;
    }
}
