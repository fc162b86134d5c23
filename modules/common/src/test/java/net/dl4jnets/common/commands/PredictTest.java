package net.dl4jnets.common.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import com.google.gson.JsonObject;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.data.UserImage;
import net.dl4jnets.common.io.Json;
import net.dl4jnets.common.train.Checkpoints;
import net.dl4jnets.common.train.RunConfig;
import net.dl4jnets.common.train.TrainingConfig;
import picocli.CommandLine;

class PredictTest {
    @TempDir
    Path dir;

    /** A white pair of trouser legs on black, as a learner might draw it, at a size unlike 28x28. */
    static BufferedImage trousers(Color background, Color ink) {
        BufferedImage img = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(background);
        g.fillRect(0, 0, 300, 200);
        g.setColor(ink);
        g.fillRect(120, 20, 60, 20);   // waistband
        g.fillRect(120, 40, 25, 150);  // left leg
        g.fillRect(155, 40, 25, 150);  // right leg
        g.dispose();
        return img;
    }

    /** A run folder as a training command leaves it: model.zip and config.json. */
    Path savedRun(int classes, String layout) {
        var conf = new NeuralNetConfiguration.Builder().seed(1).graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).build(), "in")
                .setOutputs("out").setInputTypes(Layout.DENSE.inputType()).build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        Path run = dir.resolve("run");
        Checkpoints.saveModel(graph, run.resolve("model.zip"));
        String name = layout == null ? "char-lstm" : "tiny";
        RunConfig.DataRecord data = layout == null ? RunConfig.DataRecord.text("corpus.txt", 10, 1000, 50, 50)
                : RunConfig.DataRecord.images("test", Layout.valueOf(layout), new double[] {0.29, 0.35},
                Augmentation.NONE, 100, 10, 10);
        new RunConfig(RunConfig.VERSION, name, name, graph.numParams(), new JsonObject(), TrainingConfig.DEFAULTS,
                data, "backend", List.of(), "abc", false, "now").write(run);
        return run;
    }

    record Run(int code, String out, String err) {}

    Run predict(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true));
        try {
            CommandLine cl = Cli.commandLine(new Predict());
            cl.setErr(new PrintWriter(err, true));
            return new Run(cl.execute(args), out.toString(), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void userImageBecomesALightObjectOnDarkThatFillsTheFrame() {
        byte[] dark = UserImage.toFashion(trousers(Color.BLACK, Color.WHITE));
        byte[] light = UserImage.toFashion(trousers(Color.WHITE, Color.BLACK));
        assertEquals(FashionMnist.PIXELS, dark.length);
        // corners are background, the legs are bright; a dark-on-light drawing gives the same picture
        assertEquals(0, dark[0] & 0xFF);
        assertTrue((dark[27 * 28 + 11] & 0xFF) > 200, "bottom of the left leg is bright");
        assertTrue((dark[27 * 28 + 14] & 0xFF) < 80, "the gap between the legs is dark");
        for (int i = 0; i < dark.length; i++) {
            assertTrue(Math.abs((dark[i] & 0xFF) - (light[i] & 0xFF)) <= 2, "pixel " + i);
        }
    }

    @Test
    void classifiesADrawnImageAndPrintsTheTopThree() throws Exception {
        Path png = dir.resolve("trousers.png");
        ImageIO.write(trousers(Color.BLACK, Color.WHITE), "png", png.toFile());
        Run r = predict("--model", savedRun(10, "DENSE").toString(), png.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("trousers.png"), r.out());
        long ranked = r.out().lines().filter(l -> l.matches("\\s+[123]\\. .+%")).count();
        assertEquals(3, ranked, r.out());
    }

    /** A drawing of class {@code c} (0 T-shirt, 1 trousers, 8 bag), its size, place and strokes varied by r. */
    static BufferedImage drawing(int c, java.util.Random r) {
        int w = 120 + r.nextInt(200);
        int h = 120 + r.nextInt(200);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        int x = r.nextInt(w / 4);
        int y = r.nextInt(h / 4);
        int sw = w / 2 + r.nextInt(w / 4);
        int sh = h / 2 + r.nextInt(h / 4);
        switch (c) {
            case 0 -> { // sleeves across the top, a body below
                g.fillRect(x, y, sw, sh / 4);
                g.fillRect(x + sw / 4, y, sw / 2, sh);
            }
            case 1 -> { // a waistband and two legs with a gap
                g.fillRect(x, y, sw, sh / 8 + 2);
                g.fillRect(x, y, sw * 2 / 5, sh);
                g.fillRect(x + sw * 3 / 5, y, sw * 2 / 5, sh);
            }
            default -> { // a bag: a handle above a filled body
                g.fillRect(x, y + sh / 3, sw, sh * 2 / 3);
                g.drawRect(x + sw / 4, y, sw / 2, sh / 3);
                g.drawRect(x + sw / 4 + 1, y + 1, sw / 2 - 2, sh / 3 - 2);
            }
        }
        g.dispose();
        return img;
    }

    /**
     * End to end: a model trained here on drawings (made 28x28 by the very code predict uses) names the class of a new
     * drawing it never saw, trousers at another size and place.
     */
    @Test
    void namesTheRightClassOfADrawnPictureWithAModelTrainedHere() throws Exception {
        int[] classes = {0, 1, 8};
        int perClass = 40;
        var r = new java.util.Random(3);
        float[] x = new float[classes.length * perClass * FashionMnist.PIXELS];
        float[] y = new float[classes.length * perClass * 10];
        for (int i = 0; i < classes.length * perClass; i++) {
            int c = classes[i % classes.length];
            byte[] px = UserImage.toFashion(drawing(c, r));
            for (int k = 0; k < px.length; k++) {
                x[i * FashionMnist.PIXELS + k] = (px[k] & 0xFF) / 255f;
            }
            y[i * 10 + c] = 1;
        }
        var features = org.nd4j.linalg.factory.Nd4j.create(x, new long[] {classes.length * perClass, FashionMnist.PIXELS}, 'c');
        var labels = org.nd4j.linalg.factory.Nd4j.create(y, new long[] {classes.length * perClass, 10}, 'c');
        var conf = new NeuralNetConfiguration.Builder().seed(1).updater(new org.nd4j.linalg.learning.config.Adam(1e-2))
                .graphBuilder().addInputs("in")
                .addLayer("h", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(32)
                        .activation(Activation.RELU).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "h")
                .setOutputs("out").setInputTypes(Layout.DENSE.inputType()).build();
        ComputationGraph graph = new ComputationGraph(net.dl4jnets.engine.Engine.plan(conf).configuration());
        graph.init();
        var data = new org.nd4j.linalg.dataset.DataSet(features, labels);
        for (int step = 0; step < 150; step++) {
            graph.fit(data);
        }
        Path run = dir.resolve("drawn");
        Checkpoints.saveModel(graph, run.resolve("model.zip"));
        new RunConfig(RunConfig.VERSION, "tiny", "tiny", graph.numParams(), new JsonObject(), TrainingConfig.DEFAULTS,
                RunConfig.DataRecord.images("drawings", Layout.DENSE, null, Augmentation.NONE, x.length, 0, 0),
                "backend", List.of(), "abc", false, "now").write(run);

        Path png = dir.resolve("my-trousers.png");
        ImageIO.write(drawing(1, new java.util.Random(99)), "png", png.toFile()); // a new drawing, dark ink on white
        Run result = predict("--model", run.toString(), png.toString());
        assertEquals(0, result.code(), result.err());
        String first = result.out().lines().filter(l -> l.matches("\\s+1\\. .+%")).findFirst().orElseThrow();
        assertTrue(first.contains("Trouser"), result.out());
    }

    @Test
    void aBlankPictureGetsAWarningBesideItsClasses() throws Exception {
        Path black = dir.resolve("black.jpg");
        ImageIO.write(new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB), "jpg", black.toFile());
        BufferedImage one = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        one.setRGB(0, 0, 0xFFFFFF);
        Path dot = dir.resolve("dot.png");
        ImageIO.write(one, "png", dot.toFile());
        Path trousers = dir.resolve("trousers.png");
        ImageIO.write(trousers(Color.BLACK, Color.WHITE), "png", trousers.toFile());
        Run r = predict("--model", savedRun(10, "DENSE").toString(), black.toString(), dot.toString(),
                trousers.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(2, r.out().lines().filter(l -> l.contains("warning: the picture is blank")).count(), r.out());
        assertTrue(r.out().strip().endsWith("%"), "no warning for the drawn trousers: " + r.out());
    }

    @Test
    void aFileThatIsNotAnImageGetsAClearError() throws Exception {
        Path notImage = Files.writeString(dir.resolve("notes.png"), "these are not pixels");
        Run r = predict("--model", savedRun(10, "DENSE").toString(), notImage.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("notes.png is not an image"), r.err());
    }

    @Test
    void aModelThatIsNotAFashionClassifierIsRefused() {
        Run textModel = predict("--model", savedRun(10, null).toString());
        assertEquals(2, textModel.code());
        assertTrue(textModel.err().contains("is a char-lstm model, not a Fashion-MNIST image classifier"), textModel.err());

        Run wrongOutputs = predict("--model", savedRun(4, "DENSE").toString());
        assertEquals(2, wrongOutputs.code());
        assertTrue(wrongOutputs.err().contains("does not output 10 class probabilities"), wrongOutputs.err());

        Run missing = predict("--model", dir.resolve("nothing-here.zip").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such model file"), missing.err());
    }

    @Test
    void aConfigOfAnOlderVersionIsRefusedNamingTheFileAndTheField() {
        Path run = savedRun(10, "DENSE");
        Json.write(Map.of("model", "mlp", "layout", "DENSE"), run.resolve("config.json"));
        Run old = predict("--model", run.toString());
        assertEquals(2, old.code());
        assertTrue(old.err().contains("config.json: field version is missing"), old.err());
        assertEquals(1, old.err().strip().lines().count(), old.err());
    }
}
