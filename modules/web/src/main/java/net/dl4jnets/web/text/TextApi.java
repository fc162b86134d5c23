package net.dl4jnets.web.text;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import net.dl4jnets.common.commands.Generate;
import net.dl4jnets.common.io.Json;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.RunConfig;
import net.dl4jnets.common.train.TextSampler;
import net.dl4jnets.web.Api;
import net.dl4jnets.web.Api.Refused;
import net.dl4jnets.web.Recent;

/**
 * Weeks 4–5's demo, the course's own page ({@code /generate/}): a prompt, a length in words or characters, and two
 * buttons. "Generate Text" samples with the temperature, top-k and seed given and streams each character as the
 * model writes it, until the length or Stop; "Generate Text – Rapid" decodes greedily (the likeliest character every
 * time, so the same text every time) and answers at once. Any char-LSTM or GPT run under the runs folder serves,
 * through the sampler its module registered, exactly as {@code ./nets generate} writes.
 */
public final class TextApi implements AutoCloseable {
    static final int MAX_PROMPT = 1000;
    static final int MAX_CHARS = 3000;
    static final int MAX_WORDS = 500;

    /** A text model's run, named by an id made from its folder. */
    public record Entry(String id, String model, double testLoss, String created, String run) {}

    private final Path runs;
    private final Recent<String, Generate.TextModel> loaded = new Recent<>(2);
    private WorkerExecutor writers;

    public TextApi(Path runs) {
        this.runs = runs;
    }

    public void mount(Vertx vertx, Router router) {
        // one model writes at a time, on threads of its own: a long text never holds the other pages' workers
        writers = vertx.createSharedWorkerExecutor("text-generation", 1, 10, java.util.concurrent.TimeUnit.MINUTES);
        Api.page(router, "/generate/", TextApi.class, "index.html", "generate.js", "generate.css");
        router.get("/api/text-models").blockingHandler(ctx -> Api.answer(ctx,
                c -> Api.toJson(Map.of("models", list()))), false);
        router.post("/api/text-models/:id/next").handler(ctx -> writers.executeBlocking(done -> {
            Api.answer(ctx, c -> {
                String text;
                try {
                    text = JsonParser.parseString(Api.json(c)).getAsJsonObject().get("text").getAsString();
                } catch (RuntimeException bad) {
                    throw new Refused(400, "The request is not the JSON this page sends: {\"text\": \"...\"}.");
                }
                if (text.isEmpty() || text.length() > MAX_PROMPT + MAX_CHARS + 100) {
                    throw new Refused(400, "The text must have 1 to " + (MAX_PROMPT + MAX_CHARS) + " characters.");
                }
                Generate.TextModel m = model(entry(c));
                TextSampler.Reading reading;
                try {
                    synchronized (m) {
                        reading = m.sampler().read(m.graph(), m.vocabulary(), text);
                    }
                } catch (UserError e) {
                    throw new Refused(400, e.getMessage());
                }
                double[] p = reading.next();
                List<double[][]> attention = reading.attention();
                List<String> chars = new ArrayList<>();
                for (int k = 0; k < p.length; k++) {
                    chars.add(String.valueOf(m.vocabulary().charAt(k)));
                }
                // a transformer's: the newest character's weights over its context, per layer and head
                int window = attention.isEmpty() ? 0 : attention.get(0)[0].length;
                List<String> context = new ArrayList<>();
                for (int t = text.length() - window; t < text.length(); t++) {
                    context.add(String.valueOf(text.charAt(t)));
                }
                return Api.toJson(Map.of("chars", chars, "probabilities", p, "attention", attention,
                        "context", context));
            });
            done.complete();
        }, false, ignored -> { }));
        router.post("/api/text-models/:id/generate").handler(ctx -> {
            Request r;
            Generate.TextModel m;
            try {
                r = Request.parse(Api.json(ctx));
                m = model(entry(ctx));
                TextSampler.checkPrompt(m.vocabulary(), r.prompt());
            } catch (UserError e) {
                Api.error(ctx, 400, e.getMessage());
                return;
            } catch (Refused e) {
                Api.error(ctx, e.status, e.getMessage());
                return;
            }
            HttpServerResponse res = ctx.response().setChunked(true)
                    .putHeader("content-type", "text/plain; charset=utf-8").putHeader("cache-control", "no-store")
                    .putHeader("x-content-type-options", "nosniff");
            writers.executeBlocking(done -> {
                write(m, r, res);
                done.complete();
            }, false, ignored -> {
                if (!res.ended() && !res.closed()) {
                    res.end();
                }
            });
        });
    }

    /** What a page asks for, checked. */
    record Request(String prompt, int length, boolean words, double temperature, int topK, long seed, boolean rapid) {
        static Request parse(String json) {
            JsonObject o;
            try {
                o = JsonParser.parseString(json).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw new Refused(400, "The request is not the JSON this page sends.");
            }
            String prompt = text(o, "prompt");
            if (prompt.isEmpty() || prompt.length() > MAX_PROMPT) {
                throw new Refused(400, "The prompt must have 1 to " + MAX_PROMPT + " characters.");
            }
            boolean words = !"characters".equals(text(o, "unit"));
            int length = (int) number(o, "length", 1, words ? MAX_WORDS : MAX_CHARS);
            double temperature = number(o, "temperature", 0.05, 3);
            int topK = (int) number(o, "topK", 0, 1000);
            long seed = (long) number(o, "seed", 0, 1e15);
            boolean rapid = o.has("rapid") && o.get("rapid").getAsBoolean();
            return new Request(prompt, length, words, temperature, topK, seed, rapid);
        }

        /** 0.05 as 0.05, 3 as 3, 1e15 as 1000000000000000; NaN and infinities as Java writes them. */
        private static String plain(double v) {
            return Double.isFinite(v) ? java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString()
                    : String.valueOf(v);
        }

        private static String text(JsonObject o, String field) {
            JsonElement e = o.get(field);
            return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? "" : e.getAsString();
        }

        private static double number(JsonObject o, String field, double min, double max) {
            JsonElement e = o.get(field);
            double v;
            try {
                v = e.getAsDouble();
            } catch (RuntimeException bad) {
                throw new Refused(400, field + " must be a number from " + plain(min) + " to " + plain(max) + ".");
            }
            if (!(v >= min && v <= max)) {
                throw new Refused(400, field + " must be from " + plain(min) + " to " + plain(max) + ", got " + plain(v)
                        + ".");
            }
            return v;
        }
    }

    /**
     * Writes with the model's own sampler, streaming each character to the page; a closed connection (the page's
     * Stop) or the last word ends it. Rapid is the same sampler with only the likeliest character allowed (top-k 1).
     */
    private void write(Generate.TextModel m, Request r, HttpServerResponse res) {
        int chars = r.words() ? r.length() * 12 + 50 : r.length(); // words end the text below; this only caps it
        StreamToPage out = new StreamToPage(res, r.words() ? r.length() : Integer.MAX_VALUE, r.rapid(),
                r.prompt().getBytes(StandardCharsets.UTF_8).length);
        synchronized (m) { // a model carries state while it writes: one text at a time
            try (PrintStream stream = new PrintStream(out, false, StandardCharsets.UTF_8)) {
                m.sampler().sample(m.graph(), m.vocabulary(), r.prompt(), chars, r.rapid() ? 1 : r.temperature(),
                        r.rapid() ? 1 : r.topK(), r.seed(), stream);
                stream.flush();
            } catch (Stopped enough) {
                // the page stopped it, or the words are written
            }
            out.finish();
        }
    }

    /** Thrown from inside the sampler's printing to end a text early. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    /** The sampler's characters to the page: each as it comes (or all at the end for Rapid), counting words. */
    static final class StreamToPage extends OutputStream {
        private final HttpServerResponse res;
        private final int words;
        private final boolean atOnce;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        private int spaces;
        private boolean inWord;
        private int skip;

        /** {@code skip}: the prompt's bytes, which the samplers print first and the page already shows. */
        StreamToPage(HttpServerResponse res, int words, boolean atOnce, int skip) {
            this.res = res;
            this.words = words;
            this.atOnce = atOnce;
            this.skip = skip;
        }

        @Override
        public void write(int b) {
            if (res.closed()) {
                throw new Stopped();
            }
            if (skip > 0) {
                skip--;
                return;
            }
            boolean space = b == ' ' || b == '\n' || b == '\t';
            if (space && inWord && ++spaces >= words) {
                flush();
                throw new Stopped();
            }
            inWord = !space;
            pending.write(b);
            flush(); // each character to the page as the model writes it
        }

        @Override
        public void flush() {
            if (!atOnce && pending.size() > 0 && !res.closed()) {
                res.write(Buffer.buffer(pending.toByteArray()));
                pending.reset();
            }
        }

        void finish() {
            if (pending.size() > 0 && !res.closed()) {
                res.write(Buffer.buffer(pending.toByteArray()));
                pending.reset();
            }
        }
    }

    /** Every finished text-model run (a model file, its vocabulary and a sampler for its model), newest first. */
    List<Entry> list() {
        Map<String, TextSampler> samplers = TextSampler.registered();
        List<Entry> out = new ArrayList<>();
        for (Path dir : Api.runFolders(runs, "model.zip", "vocabulary.json", RunConfig.FILE)) {
            try {
                RunConfig c = RunConfig.read(dir);
                if (!samplers.containsKey(c.model())) {
                    continue;
                }
                double loss = Double.NaN;
                if (Files.isRegularFile(dir.resolve("eval.json"))) {
                    JsonElement l = Json.read(dir.resolve("eval.json"), JsonObject.class).get("test_loss");
                    loss = l == null ? Double.NaN : l.getAsDouble();
                }
                out.add(new Entry(Api.runId(runs, dir), c.model(), loss,
                        c.created() == null ? dir.getFileName().toString() : c.created(), runs.relativize(dir).toString()));
            } catch (RuntimeException unreadable) {
                // a folder being written, or from another version: not offered
            }
        }
        out.sort(Comparator.comparing(Entry::created).reversed());
        return out;
    }

    private Entry entry(RoutingContext c) {
        return list().stream().filter(x -> x.id().equals(c.pathParam("id"))).findFirst()
                .orElseThrow(() -> new Refused(404, "No text model with id " + c.pathParam("id")
                        + " in the runs folder: reload the list."));
    }

    private Generate.TextModel model(Entry e) {
        return loaded.get(e.id(), id -> Generate.load(runs.resolve(e.run())));
    }

    @Override
    public void close() {
        if (writers != null) {
            writers.close();
        }
    }
}
