package net.dl4jnets.web.playground;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import net.dl4jnets.common.train.RunFolder;
import net.dl4jnets.mlp.playground.PlaygroundSpec;
import net.dl4jnets.web.Api;
import net.dl4jnets.web.Api.Refused;

/**
 * The web playground's page ({@code /playground/}) and its JSON API over {@link PlaygroundSession}s, one per tab.
 * Every limit is the server's: settings are checked by {@link PlaygroundSpec#checked}, uploads by
 * {@link PlaygroundData#parseCsv} and the body limit, sessions by their cap and the idle timeout, saves by a count
 * per tab and in all.
 */
public final class PlaygroundApi implements AutoCloseable {
    /** Saved runs per tab and per server: a folder of a few kilobytes each (at most 6 layers of 8 neurons). */
    public static final int MAX_SAVES_PER_SESSION = 20;
    public static final int MAX_SAVES = 200;

    private final int maxSessions;
    private final long idleSeconds;
    private final Path runs;
    private final Map<String, PlaygroundSession> sessions = new ConcurrentHashMap<>();
    private final ExecutorService trainers;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, AtomicInteger> saves = new ConcurrentHashMap<>();
    private final AtomicInteger savedInAll = new AtomicInteger();

    public PlaygroundApi(int maxSessions, long idleSeconds, int trainThreads, Path runs) {
        this.maxSessions = maxSessions;
        this.idleSeconds = idleSeconds;
        this.runs = runs;
        AtomicInteger n = new AtomicInteger();
        this.trainers = Executors.newFixedThreadPool(trainThreads, r -> {
            Thread t = new Thread(r, "playground-training-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public void mount(Vertx vertx, Router router) {
        Api.page(router, "/playground/", PlaygroundApi.class, "index.html", "playground.js", "playground.css");
        router.post("/api/sessions").blockingHandler(ctx -> Api.answer(ctx, this::create), false);
        router.get("/api/sessions/:id/state").handler(ctx -> Api.answer(ctx, c -> session(c).snapshot()));
        router.get("/api/sessions/:id/points").blockingHandler(ctx -> Api.answer(ctx, c -> session(c).points()), false);
        router.get("/api/sessions/:id/code").blockingHandler(ctx -> Api.answer(ctx,
                c -> Api.toJson(Map.of("code", session(c).javaCode()))), false);
        router.put("/api/sessions/:id/spec").blockingHandler(ctx -> Api.answer(ctx, c -> {
            PlaygroundSession s = session(c);
            s.update(PlaygroundSpec.parse(Api.json(c)));
            return s.snapshot();
        }), false);
        router.post("/api/sessions/:id/data").blockingHandler(ctx -> Api.answer(ctx, c -> {
            PlaygroundSession s = session(c);
            String problem = c.request().getParam("problem");
            s.upload(PlaygroundData.parseCsv(c.getBodyAsString("UTF-8"), "regression".equalsIgnoreCase(problem)));
            return s.snapshot();
        }), false);
        router.post("/api/sessions/:id/:action").blockingHandler(ctx -> Api.answer(ctx, this::act), false);
        router.delete("/api/sessions/:id").handler(ctx -> Api.answer(ctx, c -> {
            PlaygroundSession s = sessions.remove(c.pathParam("id"));
            saves.remove(c.pathParam("id"));
            if (s != null) {
                s.close();
            }
            return "{}";
        }));
        long period = Math.max(1000, Math.min(10_000, idleSeconds * 1000 / 4));
        vertx.setPeriodic(period, t -> expireIdle());
    }

    public int sessions() {
        return sessions.size();
    }

    private String create(RoutingContext c) {
        String body = Api.json(c);
        PlaygroundSpec spec = body.isBlank() ? PlaygroundSpec.defaults() : PlaygroundSpec.parse(body);
        synchronized (sessions) {
            if (sessions.size() >= maxSessions) {
                throw new Refused(503, "The playground already runs " + maxSessions + " sessions, its limit: "
                        + "close another tab, or wait for an idle one to be freed (after "
                        + Math.max(1, idleSeconds / 60) + " minutes without requests).");
            }
            byte[] b = new byte[12];
            random.nextBytes(b);
            String id = HexFormat.of().formatHex(b);
            PlaygroundSession s = new PlaygroundSession(id, spec, trainers);
            sessions.put(id, s);
            return s.snapshot();
        }
    }

    private String act(RoutingContext c) {
        PlaygroundSession s = session(c);
        switch (c.pathParam("action")) {
            case "play" -> s.play();
            case "pause" -> s.pause();
            case "step" -> s.step();
            case "reset" -> s.restart();
            case "save" -> {
                AtomicInteger mine = saves.computeIfAbsent(s.id, k -> new AtomicInteger());
                if (mine.get() >= MAX_SAVES_PER_SESSION) {
                    throw new Refused(429, "This tab has saved " + MAX_SAVES_PER_SESSION + " runs, its limit: the "
                            + "folders are in " + runs.resolve("playground") + ".");
                }
                if (savedInAll.incrementAndGet() > MAX_SAVES) {
                    savedInAll.decrementAndGet();
                    throw new Refused(429, "The playground has saved " + MAX_SAVES + " runs since it started, its "
                            + "limit: restart ./nets web to save more.");
                }
                mine.incrementAndGet();
                Path dir = s.save(RunFolder.create(runs, "playground"));
                return Api.toJson(Map.of("folder", dir.toAbsolutePath().toString()));
            }
            default -> throw new Refused(404, "No such action: " + c.pathParam("action") + ".");
        }
        return s.snapshot();
    }

    private PlaygroundSession session(RoutingContext c) {
        PlaygroundSession s = sessions.get(c.pathParam("id"));
        if (s == null) {
            throw new Refused(404, "This session has ended (idle too long, or the server restarted): reload the page.");
        }
        s.touch();
        return s;
    }

    private void expireIdle() {
        long limit = TimeUnit.SECONDS.toNanos(idleSeconds);
        sessions.values().removeIf(s -> {
            if (s.idleNanos() > limit) {
                saves.remove(s.id);
                s.close();
                return true;
            }
            return false;
        });
    }

    @Override
    public void close() {
        sessions.values().forEach(PlaygroundSession::close);
        sessions.clear();
        trainers.shutdownNow();
    }
}
