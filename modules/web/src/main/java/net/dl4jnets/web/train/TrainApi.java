package net.dl4jnets.web.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.nd4j.linalg.dataset.DataSet;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.Architecture;
import net.dl4jnets.common.train.BatchFit;
import net.dl4jnets.common.train.EpochRecord;
import net.dl4jnets.common.train.FashionTraining;
import net.dl4jnets.common.train.Loop;
import net.dl4jnets.common.train.LoopListener;
import net.dl4jnets.common.train.RunConfig;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.TrainingConfig;
import net.dl4jnets.web.Api;
import net.dl4jnets.web.Api.Refused;

/**
 * "Train and watch" ({@code /train/}): any registered Fashion-MNIST architecture started from the page with the
 * options its command takes, checked by the same code, trained by the same shared run into the same run folder as
 * its command; loss and accuracy per epoch and progress per batch stream to the page (server-sent events); Stop ends
 * it after the batch in flight with a checkpoint, and Resume (or {@code --resume} on the command line) goes on. One
 * training at a time, the others queued with their place shown.
 */
public final class TrainApi implements AutoCloseable {
    /** Jobs waiting and running, at most: each is a page's request, and all but one wait. */
    static final int MAX_JOBS = 8;

    private final Path runs;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final LinkedBlockingDeque<Job> queue = new LinkedBlockingDeque<>();
    private final ExecutorService trainer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "web-training");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger ids = new AtomicInteger();

    public TrainApi(Path runs) {
        this.runs = runs;
    }

    public void mount(Router router) {
        Api.page(router, "/train/", TrainApi.class, "index.html", "train.js", "train.css");
        router.get("/api/architectures").handler(ctx -> Api.answer(ctx, c -> Api.toJson(Map.of("architectures",
                Architecture.registered().stream().map(a -> Map.of("id", a.id(), "week", a.week(),
                        "summary", a.summary(), "epochs", a.training().epochs(), "batchSize", a.training().batchSize(),
                        "lr", a.training().lr())).toList()))));
        router.post("/api/trainings").handler(ctx -> Api.answer(ctx, this::start));
        router.get("/api/trainings/:id/events").handler(this::events);
        router.post("/api/trainings/:id/stop").handler(ctx -> Api.answer(ctx, c -> {
            Job j = job(c);
            j.stop.request();
            if (queue.remove(j)) {
                j.finish("stopped", "Taken off the queue before it started.");
            }
            return j.json();
        }));
    }

    /** One training a page asked for. */
    final class Job {
        final String id;
        final Architecture architecture;
        final TrainingConfig config;
        final StopSignal stop = new StopSignal();
        final List<HttpServerResponse> watchers = new CopyOnWriteArrayList<>();
        final List<EpochRecord> history = new CopyOnWriteArrayList<>();
        volatile String state = "queued";
        volatile String message;
        volatile String run;
        volatile int epoch;
        volatile int batch;
        volatile int batches;
        private long lastSent;

        Job(String id, Architecture architecture, TrainingConfig config) {
            this.id = id;
            this.architecture = architecture;
            this.config = config;
        }

        String json() {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", id);
            o.put("architecture", architecture.id());
            o.put("state", state);
            o.put("place", state.equals("queued") ? place(this) : 0);
            o.put("epochs", config.epochs());
            o.put("epoch", epoch);
            o.put("batch", batch);
            o.put("batches", batches);
            o.put("history", history.stream().map(r -> Map.of("epoch", r.epoch(), "trainLoss", r.trainLoss(),
                    "valLoss", r.valLoss(), "valAccuracy", r.valAccuracy(), "seconds", r.seconds())).toList());
            o.put("run", run);
            o.put("message", message);
            return Api.toJson(o);
        }

        /** Sends the state to every page watching, at most ten times a second unless {@code now}. */
        void publish(boolean now) {
            long t = System.nanoTime();
            if (!now && t - lastSent < 100_000_000L) {
                return;
            }
            lastSent = t;
            Buffer event = Buffer.buffer("data: " + json() + "\n\n");
            for (HttpServerResponse w : watchers) {
                if (w.closed()) {
                    watchers.remove(w);
                } else {
                    w.write(event);
                }
            }
        }

        void finish(String how, String why) {
            state = how;
            message = why;
            publish(true);
            for (HttpServerResponse w : watchers) {
                if (!w.closed()) {
                    w.end();
                }
            }
            watchers.clear();
            queue.forEach(q -> q.publish(true)); // the others' places moved up
        }

        void train() {
            state = "running";
            publish(true);
            LoopListener watch = new LoopListener() {
                @Override
                public void onStart(Loop loop) {
                    run = runs.relativize(loop.run().dir()).toString();
                    loop.history().forEach(history::add);
                    publish(true);
                }

                @Override
                public void onEpochStart(Loop loop) {
                    epoch = loop.epoch();
                    batches = loop.batches();
                }

                @Override
                public void onBatch(Loop loop, DataSet b, double loss) {
                    batch = loop.batch();
                    publish(false);
                }

                @Override
                public void onEpochEnd(Loop loop, EpochRecord record) {
                    history.add(record);
                    epoch = record.epoch();
                    publish(true);
                }
            };
            try {
                FashionTraining.Outcome o = FashionTraining.run(architecture.spec().apply(config), config, stop,
                        BatchFit.STANDARD, List.of(watch));
                if (o.interrupted()) {
                    finish("stopped", "Stopped after the batch in flight; the run folder keeps a checkpoint: Resume "
                            + "goes on, as ./nets " + command() + " --resume " + runs.resolve(run) + " would.");
                } else {
                    finish("done", o.test() == null ? "Done." : String.format(java.util.Locale.ROOT,
                            "Done: test accuracy %.2f%% (the best epoch's model).", 100 * o.test().accuracy()));
                }
            } catch (UserError e) {
                finish("failed", e.getMessage());
            } catch (RuntimeException e) {
                e.printStackTrace();
                finish("failed", "Training failed: " + e + ".");
            }
        }

        private String command() {
            return architecture.id().replaceFirst("^cnn-", "cnn --arch ");
        }
    }

    private int place(Job j) {
        int i = 1;
        for (Job q : queue) {
            if (q == j) {
                return i;
            }
            i++;
        }
        return 0;
    }

    /** A page's request: the architecture and the options its command takes, checked by the same code. */
    private String start(RoutingContext c) {
        JsonObject o;
        try {
            o = JsonParser.parseString(Api.json(c)).getAsJsonObject();
        } catch (RuntimeException bad) {
            throw new Refused(400, "The request is not the JSON this page sends.");
        }
        String id = text(o, "architecture");
        Architecture a = Architecture.registered().stream().filter(x -> x.id().equals(id)).findFirst()
                .orElseThrow(() -> new Refused(400, "No architecture " + id + "."));
        TrainingConfig t = a.training();
        if (o.has("resume") && !o.get("resume").isJsonNull()) {
            String run = text(o, "resume");
            Path dir = runs.resolve(run).normalize();
            if (!dir.startsWith(runs.normalize()) || Api.runFolders(runs, "state.json").stream()
                    .noneMatch(d -> d.normalize().equals(dir))) {
                throw new Refused(400, "No run " + run + " to resume under the runs folder.");
            }
            // the run's own settings, as --resume keeps them on the command line
            t = RunConfig.read(dir).training().withOut(runs).withResume(dir);
        } else {
            // a field left empty keeps the architecture's own setting, as an option left out does
            t = t.withData(option(o, "limit", t.limit(), Integer::parseInt, "a whole number"),
                            option(o, "valSize", t.valSize(), Integer::parseInt, "a whole number"), null)
                    .withEpochs(option(o, "epochs", t.epochs(), Integer::parseInt, "a whole number"))
                    .withBatchSize(option(o, "batchSize", t.batchSize(), Integer::parseInt, "a whole number"))
                    .withLr(option(o, "lr", t.lr(), Double::parseDouble, "a number"))
                    .withSeed(option(o, "seed", t.seed(), Long::parseLong, "a whole number"))
                    .withOut(runs);
        }
        t.validate(); // a UserError naming the option (--epochs ...) goes back as a 400 the page shows by the field
        synchronized (queue) {
            long waiting = jobs.values().stream().filter(j -> j.state.equals("queued") || j.state.equals("running"))
                    .count();
            if (waiting >= MAX_JOBS) {
                throw new Refused(503, MAX_JOBS + " trainings are already waiting or running: try again when one ends.");
            }
            Job j = new Job(Integer.toString(ids.incrementAndGet()), a, t);
            jobs.put(j.id, j);
            queue.add(j);
            trainer.execute(() -> {
                if (queue.remove(j)) {
                    queue.forEach(q -> q.publish(true));
                    j.train();
                }
            });
            return j.json();
        }
    }

    /** Server-sent events: the job's state now, then at every batch (ten a second at most) and every epoch. */
    private void events(RoutingContext ctx) {
        Job j;
        try {
            j = job(ctx);
        } catch (Refused e) {
            Api.error(ctx, e.status, e.getMessage());
            return;
        }
        HttpServerResponse res = ctx.response().setChunked(true).putHeader("content-type", "text/event-stream")
                .putHeader("cache-control", "no-store");
        res.write("data: " + j.json() + "\n\n");
        if (j.state.equals("queued") || j.state.equals("running")) {
            j.watchers.add(res);
        } else {
            res.end();
        }
    }

    private Job job(RoutingContext c) {
        Job j = jobs.get(c.pathParam("id"));
        if (j == null) {
            throw new Refused(404, "No training " + c.pathParam("id") + " (the server restarted?): start it again.");
        }
        return j;
    }

    private static String text(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e == null || !e.isJsonPrimitive() ? "" : e.getAsString();
    }

    /**
     * The option's value from the page's field, or {@code otherwise} if the field is empty; a value that is not
     * {@code kind} (any JSON, an object too) is refused naming the option, as the command line refuses it.
     */
    private static <T> T option(JsonObject o, String field, T otherwise, Function<String, T> parse, String kind) {
        JsonElement e = o.get(field);
        try {
            if (e == null || e.isJsonNull() || e.getAsString().isBlank()) {
                return otherwise;
            }
            return parse.apply(e.getAsString().trim());
        } catch (RuntimeException bad) {
            throw new UserError("--" + flag(field) + " must be " + kind + ", got "
                    + (e.isJsonPrimitive() ? e.getAsString() : e.toString()) + ".");
        }
    }

    /** The command-line option of a field: batchSize is --batch-size. */
    static String flag(String field) {
        return field.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void close() {
        jobs.values().forEach(j -> j.stop.request());
        trainer.shutdown();
    }
}
