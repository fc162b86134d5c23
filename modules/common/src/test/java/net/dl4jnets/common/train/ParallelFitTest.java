package net.dl4jnets.common.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.io.Json;

/** The loop on two replicas through DL4J's ParallelWrapper: the same bookkeeping as on one. */
class ParallelFitTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        Backend.start(1, Backend.Workload.DENSE);
    }

    private static ComputationGraph fresh() {
        return TinyClassifier.fresh(1e-2);
    }

    private static TrainingConfig twoWorkers(int epochs, Parallelism.Mode mode) {
        return TinyClassifier.settings(epochs).withParallel(new Parallelism(2, mode, 2));
    }

    private static long examples(EpochRecord r) {
        return Math.round(r.seconds() * r.examplesPerSecond());
    }

    @ParameterizedTest
    @EnumSource(Parallelism.Mode.class)
    void twoReplicasLearnAndTrainEveryBatchOncePerEpoch(Parallelism.Mode mode) {
        RunFolder run = RunFolder.create(dir, "two-" + mode);
        Trainer.Result r = TinyClassifier.trainer(twoWorkers(4, mode)).fit(fresh(), TinyClassifier.data(), run);
        assertEquals(4, r.history().size());
        for (EpochRecord e : r.history()) {
            assertEquals(240, examples(e), "the 240 training images, once each: " + e);
        }
        assertTrue(r.history().get(3).trainLoss() < r.history().get(0).trainLoss() * 0.95, r.history().toString());
        assertTrue(r.history().get(3).valAccuracy() > 0.3, r.history().toString());
        assertEquals(4, run.state().epochsDone());
    }

    @Test
    void aRecordWrittenBeforeWorkersExistedReadsAsOneAutomaticWorker() {
        var json = Json.GSON.toJsonTree(TinyClassifier.settings(1)).getAsJsonObject();
        json.remove("parallel");
        TrainingConfig old = Json.GSON.fromJson(json, TrainingConfig.class);
        assertEquals(Parallelism.AUTOMATIC, old.parallel());
        assertEquals(TinyClassifier.settings(1), old);
    }

    @Test
    void onePerCoreOnACpuIsCappedByTheCoresAndByTheModel() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(1, Parallelism.onePerCore(1).workers());
        assertEquals(Math.min(2, cores), Parallelism.onePerCore(2).workers());
        assertEquals(cores, Parallelism.onePerCore(Integer.MAX_VALUE).workers());
        assertEquals(Parallelism.AUTOMATIC.averagingFrequency(), Parallelism.onePerCore(2).averagingFrequency());
    }

    @Test
    void anOddBatchLimitEndsWithAHalfRound() {
        Trainer.Result r = TinyClassifier.trainer(twoWorkers(1, Parallelism.Mode.AVERAGING).withLimits(3, 0))
                .fit(fresh(), TinyClassifier.data(), RunFolder.create(dir, "odd"));
        assertEquals(96, examples(r.history().get(0)), "three batches of 32");
    }

    /**
     * A stop ends after the round in flight, and the run resumes where it stopped, on two workers or on one
     * (--workers may change on --resume).
     */
    @ParameterizedTest(name = "resumed on {0} worker(s)")
    @ValueSource(ints = {2, 1})
    void aStopEndsAfterTheRoundInFlightAndTheRunResumes(int resumedWorkers) {
        RunFolder run = RunFolder.create(dir, "stop-" + resumedWorkers);
        StopSignal stop = new StopSignal();
        stop.request();
        Trainer.Result r = new Trainer(twoWorkers(2, Parallelism.Mode.AVERAGING), Trainer.Task.classifier(10), stop)
                .fit(fresh(), TinyClassifier.data(), run);
        assertEquals(Trainer.Outcome.INTERRUPTED, r.outcome());
        assertEquals(2, run.state().batchesDone(), "both batches of the first round were trained and are counted");
        RunFolder reopened = RunFolder.open(run.dir());
        TrainingConfig resumed = resumedWorkers == 2 ? twoWorkers(2, Parallelism.Mode.AVERAGING)
                : TinyClassifier.settings(2);
        Trainer.Result done = TinyClassifier.trainer(resumed)
                .fit(Checkpoints.loadModel(reopened.checkpoint()), TinyClassifier.data(), reopened);
        assertEquals(Trainer.Outcome.COMPLETED, done.outcome());
        assertEquals(2, reopened.state().epochsDone());
        assertEquals(240 - 64, examples(done.history().get(0)), "the resumed epoch skips the round done before");
        assertEquals(240, examples(done.history().get(1)));
        assertTrue(done.history().get(1).trainLoss() < done.history().get(0).trainLoss(), "it goes on learning");
    }
}
