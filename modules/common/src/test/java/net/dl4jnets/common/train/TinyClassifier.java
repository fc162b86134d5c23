package net.dl4jnets.common.train;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.IdxFixtures;
import net.dl4jnets.common.data.ImageBatches;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.engine.Engine;

/** A small dense classifier with dropout and synthetic data, for trainer tests. */
final class TinyClassifier {
    static final FashionMnist DATA = IdxFixtures.learnable(300, 60);

    private TinyClassifier() {}

    static ComputationGraphConfiguration graph(double lr) {
        return graph(new Adam(lr));
    }

    /** The classifier as a model builder writes it: Adam at the settings' learning-rate schedule. */
    static ComputationGraphConfiguration graph(TrainingConfig t) {
        return graph(new Adam(t.learningRate()));
    }

    static ComputationGraphConfiguration graph(IUpdater updater) {
        return graph(updater, 0);
    }

    /** The classifier with DL4J's decoupled weight decay (0 = none). */
    static ComputationGraphConfiguration graph(IUpdater updater, double weightDecay) {
        var b = new NeuralNetConfiguration.Builder().seed(3).updater(updater);
        if (weightDecay > 0) {
            b.weightDecay(weightDecay);
        }
        return b.graphBuilder()
                .addInputs("in")
                .addLayer("h", new DenseLayer.Builder().nOut(16).activation(Activation.RELU).dropOut(0.8).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "h")
                .setOutputs("out")
                .setInputTypes(Layout.DENSE.inputType())
                .build();
    }

    /** A new graph of the classifier, initialised, as the suite's runs build theirs ({@link Engine#plan}). */
    static ComputationGraph fresh(double lr) {
        ComputationGraph g = new ComputationGraph(Engine.plan(graph(lr)).configuration());
        g.init();
        return g;
    }

    static Trainer.Data data() {
        FashionMnist.Split split = DATA.split(60, 0, 1);
        ImageBatches.Options o = new ImageBatches.Options(Layout.DENSE, 32, true, 9, null, null);
        return new Trainer.Data(new ImageBatches(split.train(), o), null,
                new ImageBatches(split.validation(), o.forEvaluation()));
    }

    /** The loop's settings: a seed, a number of epochs, the graph's own learning rate. */
    static TrainingConfig settings(int epochs) {
        return TrainingConfig.DEFAULTS.withEpochs(epochs).withSeed(5);
    }

    /** A trainer of the tiny classifier. */
    static Trainer trainer(TrainingConfig t) {
        return new Trainer(t, Trainer.Task.classifier(10), new StopSignal());
    }
}
