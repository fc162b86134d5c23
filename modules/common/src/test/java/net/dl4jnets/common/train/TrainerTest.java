package net.dl4jnets.common.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.io.AtomicFiles;
import net.dl4jnets.common.io.Json;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.engine.Engine;

class TrainerTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        Backend.start(1, Backend.Workload.DENSE);
    }

    @AfterEach
    void restoreHook() {
        AtomicFiles.beforeRename(tmp -> { });
    }

    private static ComputationGraph fresh(double lr) {
        return TinyClassifier.fresh(lr);
    }

    @Test
    void trainingLowersTheLossAndFillsTheRunFolder() {
        RunFolder run = RunFolder.create(dir, "tiny");
        Trainer.Result r = TinyClassifier.trainer(TinyClassifier.settings(4)).fit(fresh(1e-2), TinyClassifier.data(), run);
        assertEquals(4, r.history().size());
        assertTrue(r.history().get(3).trainLoss() < r.history().get(0).trainLoss() * 0.7, r.history().toString());
        assertTrue(Files.isRegularFile(run.bestModel()));
        assertTrue(Files.isRegularFile(run.checkpoint()));
        assertEquals(5, lines(run.metricsFile()));
        assertEquals(4, run.state().epochsDone());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void theTrainingLossLeavesOutTheWeightDecayPenalty(int workers) {
        // DL4J's score adds the decay's penalty; with this much decay it alone is far above the loss of ten classes,
        // and each step shrinks the weights by 2%, so the penalty must be the one before the step.
        ComputationGraph g = Engine.network(TinyClassifier.graph(new Adam(1e-3), 20));
        g.init();
        double penalty = g.calcRegularizationScore(true);
        assertTrue(penalty > 10, "penalty " + penalty);
        Trainer.Result r = TinyClassifier.trainer(TinyClassifier.settings(1)
                        .withParallel(new Parallelism(workers, Parallelism.Mode.AVERAGING, 1)))
                .fit(g, TinyClassifier.data(), RunFolder.create(dir, "decay"));
        double train = r.history().get(0).trainLoss();
        assertTrue(train < 3, "training loss " + train + " should be the cross-entropy alone, about ln 10 or less");
        assertEquals(r.history().get(0).valLoss(), train, 1.0, "training and validation losses measure one thing");
    }

    @Test
    void theAccuracyMonitorKeepsTheEpochOfHighestValidationAccuracy() {
        RunFolder run = RunFolder.create(dir, "by-accuracy");
        Trainer.Result r = TinyClassifier.trainer(TinyClassifier.settings(6).withMonitor(Monitor.VAL_ACCURACY))
                .fit(fresh(1e-2), TinyClassifier.data(), run);
        EpochRecord best = r.history().get(0);
        for (EpochRecord e : r.history()) {
            best = e.valAccuracy() > best.valAccuracy() ? e : best;
        }
        assertEquals(best.epoch(), r.bestEpoch(), r.history().toString());
        assertEquals(best.valAccuracy(), run.state().bestScore(), 0, "the score kept is the accuracy, not the loss");
    }

    @Test
    void aLanguageModelRefusesTheAccuracyMonitor() {
        Trainer.Task task = Trainer.Task.languageModel(65);
        UserError e = assertThrows(UserError.class, () -> task.check(Monitor.VAL_ACCURACY));
        assertTrue(e.getMessage().contains("--monitor val-loss"), e.getMessage());
        assertEquals(task, task.check(Monitor.VAL_LOSS));
    }

    @Test
    void twoEpochsStraightEqualOneEpochResumeAndOneMore() {
        RunFolder straight = RunFolder.create(dir, "straight");
        ComputationGraph a = fresh(1e-2);
        TinyClassifier.trainer(TinyClassifier.settings(2)).fit(a, TinyClassifier.data(), straight);

        RunFolder split = RunFolder.create(dir, "split");
        TinyClassifier.trainer(TinyClassifier.settings(1)).fit(fresh(1e-2), TinyClassifier.data(), split);
        RunFolder reopened = RunFolder.open(split.dir());
        ComputationGraph b = Checkpoints.loadModel(reopened.checkpoint());
        Trainer.Result r = TinyClassifier.trainer(TinyClassifier.settings(2)).fit(b, TinyClassifier.data(), reopened);

        assertEquals(2, r.history().size());
        INDArray pa = a.params();
        INDArray pb = b.params();
        double maxDiff = pa.sub(pb).amaxNumber().doubleValue();
        assertTrue(maxDiff < 1e-5, "parameters differ by " + maxDiff);
        assertTrue(pa.sub(fresh(1e-2).params()).amaxNumber().doubleValue() > 1e-3, "training changed nothing");
    }

    @Test
    void crashBetweenWriteAndRenameKeepsTheOldCheckpoint() throws IOException {
        RunFolder run = RunFolder.create(dir, "crash");
        ComputationGraph g = fresh(1e-2);
        TinyClassifier.trainer(TinyClassifier.settings(1)).fit(g, TinyClassifier.data(), run);
        Path good = run.checkpoint();
        AtomicFiles.beforeRename(tmp -> {
            throw new IOException("simulated crash after writing " + tmp.getFileName());
        });
        assertThrows(RuntimeException.class, () -> Checkpoints.saveModel(g, good));
        assertThrows(RuntimeException.class,
                () -> TinyClassifier.trainer(TinyClassifier.settings(2)).fit(g, TinyClassifier.data(), RunFolder.open(run.dir())));
        AtomicFiles.beforeRename(tmp -> { });
        RunFolder after = RunFolder.open(run.dir());
        assertEquals(1, after.state().epochsDone());
        assertNotNull(Checkpoints.loadModel(after.checkpoint()).params());
        try (Stream<Path> files = Files.list(run.dir())) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary files left");
        }
    }

    @Test
    void divergingLossStopsWithAMessageAndKeepsTheLastCheckpoint() {
        RunFolder run = RunFolder.create(dir, "nan");
        TinyClassifier.trainer(TinyClassifier.settings(1)).fit(fresh(1e-2), TinyClassifier.data(), run);
        // Plain SGD at a learning rate of 1e6: the weights blow up within a few steps.
        ComputationGraph wild = new ComputationGraph(TinyClassifier.graph(new Sgd(1e6)));
        wild.init();
        UserError e = assertThrows(UserError.class,
                () -> TinyClassifier.trainer(TinyClassifier.settings(30)).fit(wild, TinyClassifier.data(), run));
        assertTrue(e.getMessage().contains("diverged") && e.getMessage().contains("--lr")
                && e.getMessage().contains("epoch"), e.getMessage());
        assertNotNull(Checkpoints.loadModel(RunFolder.open(run.dir()).checkpoint()));
    }

    @Test
    void stopRequestCheckpointsMidEpochAndResumeFinishes() {
        RunFolder run = RunFolder.create(dir, "stop");
        StopSignal stop = new StopSignal();
        stop.request();
        Trainer.Result r = new Trainer(TinyClassifier.settings(2), Trainer.Task.classifier(10), stop)
                .fit(fresh(1e-2), TinyClassifier.data(), run);
        assertEquals(Trainer.Outcome.INTERRUPTED, r.outcome());
        assertEquals(1, run.state().batchesDone());
        RunFolder reopened = RunFolder.open(run.dir());
        Trainer.Result done = TinyClassifier.trainer(TinyClassifier.settings(2))
                .fit(Checkpoints.loadModel(reopened.checkpoint()), TinyClassifier.data(), reopened);
        assertEquals(Trainer.Outcome.COMPLETED, done.outcome());
        assertEquals(2, reopened.state().epochsDone());
    }

    @Test
    void aRunStoppedMidEpochResumesToTheSameParametersAsAnUninterruptedOne() {
        // The tiny classifier has dropout, so this holds only if the random generator's state is restored too.
        ComputationGraph straight = fresh(1e-2);
        TinyClassifier.trainer(TinyClassifier.settings(2)).fit(straight, TinyClassifier.data(),
                RunFolder.create(dir, "straight"));

        RunFolder run = RunFolder.create(dir, "stopped");
        StopSignal stop = new StopSignal();
        new Trainer(TinyClassifier.settings(2), Trainer.Task.classifier(10), stop).listen(new LoopListener() {
            @Override
            public void onEpochStart(Loop loop) {
                if (loop.epoch() == 1) {
                    stop.request(); // the loop stops after the second epoch's first batch
                }
            }
        }).fit(fresh(1e-2), TinyClassifier.data(), run);
        assertTrue(stop.requested());
        assertEquals(1, run.state().epochsDone());
        assertEquals(1, run.state().batchesDone());
        RunFolder reopened = RunFolder.open(run.dir());
        ComputationGraph resumed = Checkpoints.loadModel(reopened.checkpoint());
        TinyClassifier.trainer(TinyClassifier.settings(2)).fit(resumed, TinyClassifier.data(), reopened);
        double maxDiff = straight.params().sub(resumed.params()).amaxNumber().doubleValue();
        assertTrue(maxDiff < 1e-6, "parameters differ by " + maxDiff);
    }

    @Test
    void aResumedTimeBudgetContinuesTheClockOfTheRun() throws IOException {
        RunFolder run = RunFolder.create(dir, "clock");
        TinyClassifier.trainer(TinyClassifier.settings(1)).fit(fresh(1e-2), TinyClassifier.data(), run);
        RunFolder.State s = run.state();
        assertTrue(s.trainingSeconds() > 0, "the run records its training time");
        // As if the first epoch had taken an hour: a 30-minute budget is spent before the second epoch starts.
        Json.write(new RunFolder.State(s.epochsDone(), 0, s.checkpoint(), s.bestEpoch(), s.bestScore(),
                s.epochsSinceBest(), 3600, null), run.stateFile());
        RunFolder reopened = RunFolder.open(run.dir());
        Trainer.Result r = TinyClassifier.trainer(TinyClassifier.settings(5).withLimits(0, 30))
                .fit(Checkpoints.loadModel(reopened.checkpoint()), TinyClassifier.data(), reopened);
        assertEquals(Trainer.Outcome.TIME_UP, r.outcome());
        assertEquals(2, r.history().size(), "one more (partial) epoch, then the budget is spent");
        EpochRecord partial = r.history().get(1);
        assertEquals(32, Math.round(partial.seconds() * partial.examplesPerSecond()), "after one batch of 32");
    }

    @Test
    void openingARunRemovesTheTemporaryFilesAKilledRunLeft() throws IOException {
        RunFolder run = RunFolder.create(dir, "leftovers");
        TinyClassifier.trainer(TinyClassifier.settings(1)).fit(fresh(1e-2), TinyClassifier.data(), run);
        Files.writeString(run.file(".checkpoint-e002-b00000.zip123.tmp"), "half a checkpoint");
        Files.writeString(run.file(".loss.png456.tmp"), "half a chart");
        RunFolder.open(run.dir());
        try (Stream<Path> files = Files.list(run.dir())) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary files left");
        }
    }

    @Test
    void aCorruptStateFileOrCheckpointGetsOneLineNamingTheFile() throws IOException {
        RunFolder run = RunFolder.create(dir, "corrupt");
        TinyClassifier.trainer(TinyClassifier.settings(1)).fit(fresh(1e-2), TinyClassifier.data(), run);
        Path checkpoint = run.checkpoint();
        Files.writeString(checkpoint, "not a zip");
        UserError notZip = assertThrows(UserError.class, () -> Checkpoints.loadModel(checkpoint));
        assertTrue(notZip.getMessage().startsWith(checkpoint.toString()), notZip.getMessage());
        for (String broken : new String[] {"", "{\"epochs_done\": 1, ", "[]", "{}"}) {
            Files.writeString(run.stateFile(), broken);
            UserError e = assertThrows(UserError.class, () -> RunFolder.open(run.dir()), broken);
            assertTrue(e.getMessage().contains("state.json"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }

    @Test
    void aTimeBudgetEndsTheRunMidEpochWithTheScheduleRunOut() {
        RunFolder run = RunFolder.create(dir, "budget");
        TrainingConfig cosine = TinyClassifier.settings(50).withLrSchedule(LrSchedule.COSINE).withLr(1e-2)
                .withLimits(0, 1e-7);
        Trainer.Result r = TinyClassifier.trainer(cosine).fit(fresh(1e-2), TinyClassifier.data(), run);
        assertEquals(Trainer.Outcome.TIME_UP, r.outcome());
        assertEquals(1, r.history().size(), "stops within the first epoch");
        EpochRecord only = r.history().get(0);
        assertEquals(32, Math.round(only.seconds() * only.examplesPerSecond()), "after one batch of 32");
        assertEquals(0, only.learningRate(), 1e-12, "the cosine schedule followed the clock to its end");
        assertTrue(Files.isRegularFile(run.bestModel()), "the partial epoch is evaluated and kept");
    }

    private static long lines(Path p) {
        try (Stream<String> s = Files.lines(p)) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
