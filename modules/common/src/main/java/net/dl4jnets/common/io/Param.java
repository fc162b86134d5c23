package net.dl4jnets.common.io;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A hyper-parameter of a model's record, with what it means: the command line derives the option
 * ({@code --convs-per-stage} for {@code convsPerStage}), its {@code --help} line, its default (the record's
 * {@code DEFAULT}) and the resume checks from the record, so the model writes each setting once. A component without
 * it is not an option (a text model's vocabulary, which the data sets). A nested record (the augmentation) brings
 * its own annotated components.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Param {
    /** What the setting does, one sentence without its default (the help adds that). */
    String value();

    /** The value's placeholder in the help: {@code N}, {@code P}, {@code PX}. */
    String label() default "";

    /** The option, when it is not the component's name in kebab case: {@code --shift} for {@code maxShift}. */
    String name() default "";
}
