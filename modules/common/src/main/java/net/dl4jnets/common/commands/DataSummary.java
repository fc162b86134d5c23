package net.dl4jnets.common.commands;

import java.util.Locale;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.CommonOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.FashionMnistLocator;
import net.dl4jnets.common.data.ImageSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code nets data}: finds, verifies and decodes Fashion-MNIST, then prints what it holds and how long it took. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Find, verify and load Fashion-MNIST; print its source, sizes, label histogram and load time.")
public final class DataSummary implements NetsCommand {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public Integer call() {
        common.apply();
        common.validate();
        Backend.start(common.threads, Backend.Workload.DENSE);
        long t0 = System.nanoTime();
        FashionMnistLocator locator = FashionMnistLocator.standard(common.dataDir);
        FashionMnistLocator.Found found = locator.locate();
        long t1 = System.nanoTime();
        FashionMnist data = locator.load(found);
        long t2 = System.nanoTime();
        System.out.println(summary(data));
        System.out.printf(Locale.ROOT, "Located in %.2f s; decoded and verified (SHA-256) in %.2f s.%n",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        return 0;
    }

    public static String summary(FashionMnist data) {
        StringBuilder sb = new StringBuilder();
        ImageSet.View train = data.train().all();
        ImageSet.View test = data.test().all();
        sb.append("Fashion-MNIST from ").append(data.source()).append('\n');
        sb.append(String.format(Locale.ROOT, "  %,d training and %,d test images of %dx%d pixels%n",
                train.size(), test.size(), FashionMnist.ROWS, FashionMnist.COLS));
        double[] ms = train.pixelMeanStd();
        sb.append(String.format(Locale.ROOT, "  training pixels in [0,1]: mean %.4f, std %.4f%n", ms[0], ms[1]));
        int[] htr = train.histogram(FashionMnist.CLASSES);
        int[] hte = test.histogram(FashionMnist.CLASSES);
        sb.append(String.format(Locale.ROOT, "  %-2s %-12s %7s %6s%n", "#", "label", "train", "test"));
        for (int c = 0; c < FashionMnist.CLASSES; c++) {
            sb.append(String.format(Locale.ROOT, "  %-2d %-12s %,7d %,6d  %s%n", c, FashionMnist.LABELS.get(c),
                    htr[c], hte[c], "#".repeat(htr[c] / 300)));
        }
        return sb.toString().stripTrailing();
    }

    public static void main(String[] args) {
        Cli.main(new DataSummary(), args);
    }
}
