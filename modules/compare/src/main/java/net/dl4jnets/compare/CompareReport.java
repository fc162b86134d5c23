package net.dl4jnets.compare;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.io.AtomicFiles;
import net.dl4jnets.common.io.Json;
import net.dl4jnets.common.report.Charts;
import net.dl4jnets.common.train.EpochRecord;

/** The comparison's outputs: the table (markdown, CSV, JSON), the charts, and report.md that ties them together. */
final class CompareReport {
    private CompareReport() {}

    static final String CSV_HEADER = "arch,status,test_accuracy,val_accuracy,parameters,train_seconds,seconds_per_epoch,"
            + "epochs,best_epoch,images_per_s_batch1,images_per_s_batch256,network_mb,peak_heap_mb,peak_resident_mb,threads,error";

    /** Writes report.md, results.csv, results.json and the PNGs into dir, replacing earlier versions. */
    static void write(Path dir, String budget, List<ArchResult> rows) {
        List<ArchResult> ok = rows.stream().filter(ArchResult::ok).toList();
        List<String> pictures = new ArrayList<>();
        if (!ok.isEmpty()) {
            Charts.lines(dir.resolve("accuracy-epoch.png"), "Validation accuracy by epoch", "epoch",
                    "validation accuracy", curves(ok, false), false);
            Charts.lines(dir.resolve("accuracy-time.png"), "Validation accuracy by training time", "training seconds",
                    "validation accuracy", curves(ok, true), false);
            Charts.scatter(dir.resolve("params-accuracy.png"), "Parameters against test accuracy", "parameters (log scale)",
                    "test accuracy", ok.stream().map(r -> new Charts.Series(r.id(), new double[] {r.parameters()},
                            new double[] {r.testAccuracy()})).toList(), true);
            pictures.addAll(List.of("accuracy-epoch.png", "accuracy-time.png", "params-accuracy.png"));
            for (ArchResult r : ok) {
                Charts.confusion(dir.resolve("confusion-" + r.id() + ".png"), String.format(Locale.ROOT,
                        "%s: test confusion matrix (accuracy %.2f%%)", r.id(), 100 * r.testAccuracy()), r.confusion(),
                        FashionMnist.LABELS);
            }
        }
        AtomicFiles.writeText(csv(rows), dir.resolve("results.csv"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("created", OffsetDateTime.now().toString());
        json.put("budget", budget);
        json.put("backend", Backend.info().line());
        json.put("results", rows.stream().map(CompareReport::json).toList());
        Json.write(json, dir.resolve("results.json"));
        AtomicFiles.writeText(markdown(budget, rows, pictures), dir.resolve("report.md"));
    }

    /** Validation accuracy per arch, against cumulative epochs or cumulative training seconds. */
    static List<Charts.Series> curves(List<ArchResult> rows, boolean bySeconds) {
        List<Charts.Series> series = new ArrayList<>();
        for (ArchResult r : rows) {
            List<EpochRecord> h = r.history();
            double[] x = new double[h.size()];
            double[] y = new double[h.size()];
            double t = 0;
            for (int i = 0; i < h.size(); i++) {
                t += h.get(i).seconds();
                x[i] = bySeconds ? t : h.get(i).epoch();
                y[i] = h.get(i).valAccuracy();
            }
            series.add(new Charts.Series(r.id(), x, y));
        }
        return series;
    }

    static String table(List<ArchResult> rows) {
        StringBuilder b = new StringBuilder();
        b.append("| arch | test acc | val acc | parameters | training | per epoch | epochs | images/s @1 | images/s @256 | network memory | peak heap | threads |\n");
        b.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (ArchResult r : rows) {
            if (!r.ok()) {
                b.append("| ").append(r.id()).append(" | **failed** | ").append(r.error()).append(" | | | | | | | | | |\n");
                continue;
            }
            b.append(String.format(Locale.ROOT, "| %s | %.2f%% | %.2f%% | %,d | %s | %s | %.2f | %,.0f | %,.0f | %s | %.0f MB | %d |%n",
                    r.id(), 100 * r.testAccuracy(), 100 * r.valAccuracy(), r.parameters(), duration(r.trainSeconds()),
                    duration(r.secondsPerEpoch()), r.epochs(), r.imagesPerSecondBatch1(),
                    r.imagesPerSecondBatch256(), Double.isFinite(r.networkMb())
                            ? String.format(Locale.ROOT, "%.0f MB", r.networkMb()) : "–", r.peakHeapMb(), r.threads()));
        }
        return b.toString();
    }

    /** Two sentences from the numbers: who won and at what cost, against the cheapest architecture to train. */
    static String verdict(List<ArchResult> rows) {
        List<ArchResult> ok = rows.stream().filter(ArchResult::ok).toList();
        if (ok.isEmpty()) {
            return "Every architecture failed; see the errors in the table.";
        }
        ArchResult best = ok.stream().max(Comparator.comparingDouble(ArchResult::testAccuracy)).orElseThrow();
        ArchResult fastest = ok.stream().min(Comparator.comparingDouble(ArchResult::trainSeconds)).orElseThrow();
        String first = String.format(Locale.ROOT, "%s won with %.2f%% test accuracy, using %,d parameters and %s of "
                        + "training (%s per epoch).", best.id(), 100 * best.testAccuracy(), best.parameters(),
                duration(best.trainSeconds()), duration(best.secondsPerEpoch()));
        ArchResult slowest = ok.stream().max(Comparator.comparingDouble(ArchResult::trainSeconds)).orElseThrow();
        ArchResult runnerUp = ok.stream().filter(r -> r != best)
                .max(Comparator.comparingDouble(ArchResult::testAccuracy)).orElse(null);
        String second;
        if (runnerUp != null && slowest.trainSeconds() < 1.25 * fastest.trainSeconds()) {
            // Equal time budgets: who is quickest means nothing, the runner-up does.
            second = String.format(Locale.ROOT, "In the same training time the runner-up, %s, reached %.2f%% (%.2f "
                            + "points less) in %.1f epochs against %.1f.", runnerUp.id(), 100 * runnerUp.testAccuracy(),
                    100 * (best.testAccuracy() - runnerUp.testAccuracy()), runnerUp.epochs(), best.epochs());
        } else if (best == fastest) {
            second = String.format(Locale.ROOT, "It was also the quickest to train, and classifies %,.0f images/s in "
                    + "batches of 256.", best.imagesPerSecondBatch256());
        } else {
            second = String.format(Locale.ROOT, "The quickest to train, %s, reached %.2f%% in %s: %.2f points less for "
                            + "%.1f× less training time.", fastest.id(), 100 * fastest.testAccuracy(),
                    duration(fastest.trainSeconds()), 100 * (best.testAccuracy() - fastest.testAccuracy()),
                    best.trainSeconds() / fastest.trainSeconds());
        }
        String failed = rows.size() == ok.size() ? "" : " " + (rows.size() - ok.size()) + " architecture"
                + (rows.size() - ok.size() == 1 ? "" : "s") + " failed (see the table).";
        return first + " " + second + failed;
    }

    static String markdown(String budget, List<ArchResult> rows, List<String> pictures) {
        StringBuilder b = new StringBuilder();
        b.append("# Fashion-MNIST architectures compared\n\n");
        Backend.BackendInfo be = Backend.info();
        b.append("Budget: ").append(budget).append(". Backend: ").append(be.backend()).append(" | ").append(be.build())
                .append(" | oneDNN helpers ").append(be.oneDnn() ? "on" : "off").append(" | ").append(be.machine())
                .append(". ")
                .append(OffsetDateTime.now().toLocalDate()).append(".\n\n");
        b.append(verdict(rows)).append("\n\n");
        b.append(table(rows)).append('\n');
        b.append("Test accuracy is that of the epoch with the lowest validation loss, on the test images of the "
                + "budget (all 10,000, or with a training subset a test subset of a sixth its size, at least 1,000). "
                + "Training time excludes evaluation. Threads are each model's measured best for this machine. "
                + "Inference is timed on test images after a warm-up, with the training thread count. Network memory is DL4J's "
                + "estimate of what training needs at the batch size (parameters, updater state, activations and "
                + "gradients, all off-heap); peak heap is measured every 100 ms. The process's resident memory is in "
                + "results.csv.\n\n");
        for (ArchResult r : rows) {
            b.append("- **").append(r.id()).append("**: ").append(r.summary())
                    .append(r.runDir() == null ? "" : " (run folder `" + r.runDir() + "`)").append('\n');
        }
        b.append('\n');
        for (String p : pictures) {
            b.append("![").append(p.replace(".png", "")).append("](").append(p).append(")\n\n");
        }
        for (ArchResult r : rows) {
            if (r.ok()) {
                b.append("![confusion ").append(r.id()).append("](confusion-").append(r.id()).append(".png)\n\n");
            }
        }
        return b.toString();
    }

    static String csv(List<ArchResult> rows) {
        StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
        for (ArchResult r : rows) {
            b.append(String.format(Locale.ROOT, "%s,%s,%.4f,%.4f,%d,%.1f,%.1f,%.3f,%d,%.1f,%.1f,%.1f,%.0f,%.0f,%d,%s%n",
                    r.id(), r.status(), r.testAccuracy(), r.valAccuracy(), r.parameters(), r.trainSeconds(),
                    r.secondsPerEpoch(), r.epochs(), r.bestEpoch(), r.imagesPerSecondBatch1(),
                    r.imagesPerSecondBatch256(), r.networkMb(), r.peakHeapMb(), r.peakResidentMb(), r.threads(),
                    r.error() == null ? "" : '"' + r.error().replace("\"", "'") + '"'));
        }
        return b.toString();
    }

    static Map<String, Object> json(ArchResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arch", r.id());
        m.put("summary", r.summary());
        m.put("status", r.status());
        m.put("error", r.error());
        m.put("test_accuracy", r.testAccuracy());
        m.put("val_accuracy", r.valAccuracy());
        m.put("parameters", r.parameters());
        m.put("train_seconds", r.trainSeconds());
        m.put("seconds_per_epoch", r.secondsPerEpoch());
        m.put("epochs", r.epochs());
        m.put("best_epoch", r.bestEpoch());
        m.put("images_per_second_batch1", r.imagesPerSecondBatch1());
        m.put("images_per_second_batch256", r.imagesPerSecondBatch256());
        m.put("network_mb", r.networkMb());
        m.put("peak_heap_mb", r.peakHeapMb());
        m.put("peak_resident_mb", r.peakResidentMb());
        m.put("threads", r.threads());
        m.put("run_dir", r.runDir());
        m.put("history", r.history().stream().map(h -> Map.of("epoch", h.epoch(), "seconds", h.seconds(),
                "val_accuracy", h.valAccuracy(), "val_loss", h.valLoss(), "train_loss", h.trainLoss())).toList());
        return m;
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "–";
        }
        if (seconds < 90) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        return String.format(Locale.ROOT, "%.1f min", seconds / 60);
    }
}
