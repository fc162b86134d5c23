package net.dl4jnets.common.cli;

import java.util.concurrent.Callable;

/**
 * A program of the suite: a picocli {@code @Command} class whose {@code call()} returns the exit code.
 * Register it in its module's {@code META-INF/services/net.dl4jnets.common.cli.NetsCommand}: the launcher,
 * {@code nets --help} and the tests discover commands from there, so adding one touches no list elsewhere.
 */
public interface NetsCommand extends Callable<Integer> {
}
