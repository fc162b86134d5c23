package net.dl4jnets.mlp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.datavec.api.records.reader.impl.csv.CSVRecordReader;
import org.datavec.api.split.FileSplit;
import org.datavec.api.writable.Writable;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.DemoOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.data.ToyDatasets;
import net.dl4jnets.common.data.ToyDatasets.Feature;
import net.dl4jnets.common.data.ToyDatasets.Kind;
import net.dl4jnets.common.eval.Evaluator;
import net.dl4jnets.common.io.AtomicFiles;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.report.BoundaryChart;
import net.dl4jnets.common.report.Charts;
import net.dl4jnets.mlp.playground.PlaygroundNetwork;
import net.dl4jnets.mlp.playground.PlaygroundSpec;
import net.dl4jnets.mlp.playground.PlaygroundSpec.Act;
import net.dl4jnets.mlp.playground.PlaygroundSpec.Regularization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Week 2: TensorFlow Playground from the command line. Pick a 2-D dataset, the input features, the hidden layers,
 * the activation, the learning rate and regularisation; watch the decision boundary and the train/test loss.
 *
 * <p>The spiral is the hard one. It is solved (test accuracy ≥ 95%) by:
 * <pre>nets playground --dataset spiral --hidden 8,8 --features x,y,x2,y2,xy,sinx,siny --batch-size 50 --lr 0.05 --epochs 150</pre>
 */
@Command(name = "playground", mixinStandardHelpOptions = true,
        description = "A command-line TensorFlow Playground: 2-D datasets, features, layers, decision boundary.")
public final class Playground implements NetsCommand {
    /** Everything that defines a playground run. */
    public record Config(Kind dataset, int points, double noise, double trainRatio, List<Feature> features,
                         List<Integer> hidden, Act activation, double lr, Regularization regularization,
                         double regularizationRate, int epochs, int batchSize, long seed) {}

    @Mixin
    DemoOptions demo = new DemoOptions();

    @Option(names = "--dataset", paramLabel = "KIND", defaultValue = "circle",
            description = "circle, xor, gauss or spiral (default: ${DEFAULT-VALUE}).")
    Kind dataset;

    @Option(names = "--data", paramLabel = "CSV",
            description = "Your own points instead: a CSV file with a header and columns x,y,label (label 0 or 1).")
    Path csv;

    @Option(names = "--points", paramLabel = "N", defaultValue = "500", description = "Points to generate (default: ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--noise", paramLabel = "S", defaultValue = "0.0", description = "Noise, 0 to 0.5: TensorFlow Playground's slider over 100 (labels blurred at the boundary, clusters spread; default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--train-ratio", paramLabel = "R", defaultValue = "0.5", description = "Share of points used for training (default: ${DEFAULT-VALUE}).")
    double trainRatio;

    @Option(names = "--features", split = ",", paramLabel = "F,F", defaultValue = "x,y",
            description = "Inputs among x, y, x2, y2, xy, sinx, siny (default: ${DEFAULT-VALUE}).")
    List<Feature> features;

    @Option(names = "--hidden", split = ",", paramLabel = "N,N", defaultValue = "4,2",
            description = "Hidden layer sizes; 0 for none (default: ${DEFAULT-VALUE}).")
    List<Integer> hidden;

    @Option(names = "--activation", paramLabel = "A", defaultValue = "tanh",
            description = "tanh, relu, sigmoid or linear (default: ${DEFAULT-VALUE}).")
    Act activation;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.03", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--regularization", paramLabel = "KIND", defaultValue = "none", description = "none, l1 or l2 (default: ${DEFAULT-VALUE}).")
    Regularization regularization;

    @Option(names = "--regularization-rate", paramLabel = "R", defaultValue = "0.001",
            description = "Strength of the regularization (default: ${DEFAULT-VALUE}).")
    double regularizationRate;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "200", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "10", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    /** What a run measured. */
    public record Result(Path folder, Config config, double trainAccuracy, double testAccuracy, double[] trainLoss,
                         double[] testLoss) {}

    Config config() {
        if (points < 10) {
            throw new UserError("--points must be at least 10, got " + points + ".");
        }
        if (noise < 0 || noise > 0.5) {
            throw new UserError("--noise must be between 0 and 0.5, got " + noise + ".");
        }
        if (trainRatio <= 0 || trainRatio >= 1) {
            throw new UserError("--train-ratio must be between 0 and 1 (exclusive), got " + trainRatio + ".");
        }
        if (hidden.stream().anyMatch(h -> h < 0)) {
            throw new UserError("--hidden sizes must be 0 or positive, got " + hidden + ".");
        }
        if (!(lr > 0) || epochs < 1 || batchSize < 1 || regularizationRate < 0) {
            throw new UserError("--lr, --epochs and --batch-size must be positive and --regularization-rate not negative.");
        }
        List<Integer> layers = hidden.stream().filter(h -> h > 0).toList();
        return new Config(dataset, points, noise, trainRatio, List.copyOf(features), layers, activation, lr,
                regularization, regularizationRate, epochs, batchSize, demo.seed);
    }

    /** The network is the web playground's ({@link PlaygroundNetwork}): Adam, softmax over the two classes. */
    static ComputationGraphConfiguration graph(Config c) {
        List<Double> noDropout = c.hidden().stream().map(h -> 0.0).toList();
        return PlaygroundNetwork.graph(new PlaygroundSpec(PlaygroundSpec.Problem.CLASSIFICATION,
                PlaygroundSpec.Dataset.valueOf(c.dataset().name()), 2, (int) Math.round(100 * c.noise()),
                (int) Math.round(100 * c.trainRatio()), c.batchSize(), c.seed(), c.features(), c.hidden(), noDropout,
                c.activation(), c.regularization(), c.regularizationRate(), c.lr(),
                PlaygroundSpec.Optimizer.ADAM, 0, 0));
    }

    public Result run() {
        Config c = config();
        Backend.start(0, Backend.Workload.DENSE);
        var folder = demo.folder("playground");
        ToyDatasets.Points all = csv != null ? readCsv(csv) : ToyDatasets.make(c.dataset(), c.points(), c.noise(), c.seed());
        int nTrain = Math.max(1, Math.min(all.size() - 1, (int) Math.round(all.size() * c.trainRatio())));
        ToyDatasets.Points[] parts = all.split(nTrain);
        Feature[] f = c.features().toArray(Feature[]::new);
        DataSet train = parts[0].toDataSet(f);
        DataSet test = parts[1].toDataSet(f);
        writeCsv(folder.file("points.csv"), parts);

        ComputationGraph g = new ComputationGraph(graph(c));
        g.init();
        double[] trainLoss = new double[c.epochs()];
        double[] testLoss = new double[c.epochs()];
        double[] epochAxis = new double[c.epochs()];
        Evaluator.Result onTrain = null;
        Evaluator.Result onTest = null;
        for (int e = 0; e < c.epochs(); e++) {
            DataSet shuffled = train.copy();
            shuffled.shuffle(c.seed() + e);
            for (DataSet batch : shuffled.batchBy(c.batchSize())) {
                g.fit(batch);
            }
            onTrain = evaluate(g, train);
            onTest = evaluate(g, test);
            trainLoss[e] = onTrain.loss();
            testLoss[e] = onTest.loss();
            epochAxis[e] = e + 1;
            if ((e + 1) % Math.max(1, c.epochs() / 10) == 0) {
                System.out.printf(Locale.ROOT, "epoch %4d   train loss %.4f   test loss %.4f%n", e + 1, trainLoss[e], testLoss[e]);
            }
        }
        double trainAcc = onTrain.accuracy();
        double testAcc = onTest.accuracy();
        String what = csv != null ? csv.getFileName().toString() : c.dataset().id();
        System.out.printf(Locale.ROOT, "%s: %,d train and %,d test points; train accuracy %.1f%%, test accuracy %.1f%%%n",
                what, parts[0].size(), parts[1].size(), 100 * trainAcc, 100 * testAcc);

        List<BoundaryChart.Point> drawn = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < parts[k].size(); i++) {
                drawn.add(new BoundaryChart.Point(parts[k].xy()[i][0], parts[k].xy()[i][1], parts[k].labels()[i], k == 1));
            }
        }
        String layers = c.hidden().isEmpty() ? "no hidden layer" : "hidden " + c.hidden() + " " + c.activation().name().toLowerCase(Locale.ROOT);
        BoundaryChart.draw(folder.file("boundary.png"), String.format(Locale.ROOT, "%s, %s, features %s: test accuracy %.1f%%",
                what, layers, c.features().stream().map(Feature::id).toList(), 100 * testAcc), -1.2, 1.2, (xs, ys) -> {
                    double[][] grid = new double[xs.length][f.length];
                    for (int i = 0; i < xs.length; i++) {
                        for (int k = 0; k < f.length; k++) {
                            grid[i][k] = f[k].of(xs[i], ys[i]);
                        }
                    }
                    return g.outputSingle(Nd4j.createFromArray(grid).castTo(DataType.FLOAT))
                            .getColumn(1).toDoubleVector();
                }, drawn);
        Charts.lines(folder.file("loss.png"), "Playground: " + what + ", loss per epoch", "epoch", "cross-entropy loss",
                List.of(new Charts.Series("train", epochAxis, trainLoss), new Charts.Series("test", epochAxis, testLoss)), false);
        System.out.println("Pictures: " + folder.file("boundary.png") + ", " + folder.file("loss.png"));
        return new Result(folder.dir(), c, trainAcc, testAcc, trainLoss, testLoss);
    }

    static Evaluator.Result evaluate(ComputationGraph g, DataSet d) {
        return Evaluator.evaluate(g, new ListDataSetIterator<>(List.of(d)), 2);
    }

    /** Reads x,y,label rows with DataVec's CSV reader; every bad row is reported with its line number. */
    static ToyDatasets.Points readCsv(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("--data " + file + ": no such file.");
        }
        List<double[]> xy = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (CSVRecordReader reader = new CSVRecordReader(1, ',')) {
            reader.initialize(new FileSplit(file.toFile()));
            int line = 1;
            while (reader.hasNext()) {
                line++;
                List<Writable> row = reader.next();
                if (row.size() != 3) {
                    throw new UserError("--data " + file + ", line " + line + ": expected 3 columns x,y,label, found " + row.size() + ".");
                }
                try {
                    double x = row.get(0).toDouble();
                    double y = row.get(1).toDouble();
                    int label = row.get(2).toInt();
                    if (label != 0 && label != 1) {
                        throw new NumberFormatException();
                    }
                    xy.add(new double[] {x, y});
                    labels.add(label);
                } catch (NumberFormatException e) {
                    throw new UserError("--data " + file + ", line " + line + ": x and y must be numbers and label 0 or 1, got " + row + ".");
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (e instanceof UserError u) {
                throw u;
            }
            throw new UserError("--data " + file + ": could not be read as CSV (" + e.getMessage() + ").");
        }
        if (xy.size() < 4) {
            throw new UserError("--data " + file + ": needs at least 4 points, has " + xy.size() + ".");
        }
        // Shuffle with a fixed seed so the train/test split does not follow the file's order.
        return new ToyDatasets.Points(xy.toArray(double[][]::new), labels.stream().mapToInt(Integer::intValue).toArray())
                .shuffled(new Random(7));
    }

    static void writeCsv(Path file, ToyDatasets.Points[] parts) {
        StringBuilder sb = new StringBuilder("x,y,label,split\n");
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < parts[k].size(); i++) {
                sb.append(String.format(Locale.ROOT, "%.6f,%.6f,%d,%s%n", parts[k].xy()[i][0], parts[k].xy()[i][1],
                        parts[k].labels()[i], k == 0 ? "train" : "test"));
            }
        }
        AtomicFiles.writeText(sb.toString(), file);
    }

    @Override
    public Integer call() {
        run();
        return 0;
    }

    public static void main(String[] args) {
        Cli.main(new Playground(), args);
    }
}
