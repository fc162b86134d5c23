package net.dl4jnets.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.report.PngAssert;
import net.dl4jnets.common.train.Architecture;

class CompareTest {
    @TempDir
    Path out;

    private Compare.Report compare(String... args) {
        Compare c = new Compare();
        Cli.commandLine(c).parseArgs(args);
        return c.compare();
    }

    @Test
    void everyModuleRegistersItsArchitectures() {
        List<String> ids = Architecture.registered().stream().map(Architecture::id).toList();
        assertTrue(ids.containsAll(List.of("mlp", "cnn-lenet", "cnn-modern", "cnn-resnet", "rnn-simple", "rnn-lstm",
                "rnn-bilstm")), ids.toString());
        assertTrue(ids.indexOf("mlp") < ids.indexOf("cnn-lenet") && ids.indexOf("cnn-resnet") < ids.indexOf("rnn-simple"),
                "ordered by course week: " + ids);
    }

    @Test
    void quickCompareOfTwoArchitecturesWritesAReadableReport() throws Exception {
        Compare.Report r = compare("--quick", "--archs", "mlp,rnn-lstm", "--limit", "1200", "--val-size", "300",
                "--out", out.toString());
        assertEquals(List.of("mlp", "rnn-lstm"), r.rows().stream().map(ArchResult::id).toList());
        for (ArchResult row : r.rows()) {
            assertTrue(row.ok(), row.id() + ": " + row.error());
            assertTrue(row.testAccuracy() > 0.3 && row.testAccuracy() <= 1, row.id() + " test " + row.testAccuracy());
            assertTrue(row.valAccuracy() > 0 && row.valAccuracy() <= 1, row.id() + " val " + row.valAccuracy());
            assertTrue(row.trainSeconds() > 0 && row.imagesPerSecondBatch1() > 0 && row.imagesPerSecondBatch256() > 0);
            assertEquals(Compare.QUICK_EPOCHS, row.epochs(), 1e-9);
            assertTrue(row.parameters() > 1000);
            assertTrue(row.networkMb() > 0 && row.peakHeapMb() > 0 && row.peakResidentMb() > row.peakHeapMb());
        }
        String report = Files.readString(r.dir().resolve("report.md"));
        assertTrue(report.contains("| mlp |") && report.contains("| rnn-lstm |"), report);
        assertTrue(report.contains(" won with "), report);
        List<String> csv = Files.readAllLines(r.dir().resolve("results.csv"));
        assertEquals(3, csv.size());
        assertEquals(CompareReport.CSV_HEADER, csv.get(0));
        // the report's table states the figures of the result rows: test and validation accuracy, parameters
        List<String> columns = List.of(CompareReport.CSV_HEADER.split(","));
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",");
            String arch = f[columns.indexOf("arch")];
            String row = report.lines().filter(l -> l.startsWith("| " + arch + " |")).findFirst().orElseThrow();
            String[] cells = row.split("\\|");
            assertEquals(String.format(java.util.Locale.ROOT, "%.2f%%",
                    100 * Double.parseDouble(f[columns.indexOf("test_accuracy")])), cells[2].trim(), row);
            assertEquals(String.format(java.util.Locale.ROOT, "%.2f%%",
                    100 * Double.parseDouble(f[columns.indexOf("val_accuracy")])), cells[3].trim(), row);
            assertEquals(String.format(java.util.Locale.ROOT, "%,d",
                    Long.parseLong(f[columns.indexOf("parameters")])), cells[4].trim(), row);
        }
        assertTrue(Files.readString(r.dir().resolve("results.json")).contains("\"arch\": \"rnn-lstm\""));
        for (String png : List.of("accuracy-epoch.png", "accuracy-time.png", "params-accuracy.png",
                "confusion-mlp.png", "confusion-rnn-lstm.png")) {
            PngAssert.valid(r.dir().resolve(png), 400, 300);
        }
    }

    @Test
    void aFailingArchitectureIsReportedAndTheOthersStillRun() throws Exception {
        Compare.Report r = compare("--archs", "broken,mlp", "--epochs", "1", "--limit", "600", "--val-size", "200",
                "--max-batches", "3", "--out", out.toString());
        ArchResult mlp = r.rows().stream().filter(x -> x.id().equals("mlp")).findFirst().orElseThrow();
        ArchResult broken = r.rows().stream().filter(x -> x.id().equals("broken")).findFirst().orElseThrow();
        assertTrue(mlp.ok(), mlp.error());
        assertFalse(broken.ok());
        assertTrue(broken.error().contains("OutOfMemoryError"), broken.error());
        String report = Files.readString(r.dir().resolve("report.md"));
        assertTrue(report.contains("| broken | **failed** | OutOfMemoryError"), report);
        assertTrue(report.contains("1 architecture failed"), report);
        assertEquals(1, Cli.run(new Compare(), "--archs", "broken", "--out", out.toString()));
    }

    @Test
    void badOptionsAreRejectedWithExitCodeTwo() {
        assertEquals(2, Cli.run(new Compare(), "--archs", "mlp,vgg16", "--out", out.toString()));
        assertEquals(2, Cli.run(new Compare(), "--minutes", "0", "--out", out.toString()));
        assertEquals(2, Cli.run(new Compare(), "--minutes", "1", "--epochs", "2", "--out", out.toString()));
        assertEquals(2, Cli.run(new Compare(), "--epochs", "0", "--out", out.toString()));
        assertEquals(2, Cli.run(new Compare(), "--archs", "mlp", "--data-dir", out.resolve("nowhere").toString(),
                "--out", out.toString()), "a missing dataset stops compare once, before any architecture");
    }

    @Test
    void theBudgetSaysWhatItIs() {
        Compare c = new Compare();
        Cli.commandLine(c).parseArgs("--quick");
        assertEquals("2 epochs each, on a subset of 10,000 training images", c.budget().description());
        c = new Compare();
        Cli.commandLine(c).parseArgs("--minutes", "3");
        assertEquals(0, c.budget().limit());
        assertEquals(3.0, c.budget().minutes());
    }
}
