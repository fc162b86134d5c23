package net.dl4jnets.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class CompareReportTest {
    private static ArchResult row(String id, double acc, double seconds, double epochs) {
        return new ArchResult(id, id, ArchResult.OK, null, acc, acc, 1000, seconds, epochs, 1, 1, 1, 1, 1, 1, 1,
                List.of(), new long[10][10], null);
    }

    @Test
    void theVerdictComparesTheWinnerWithTheQuickest() {
        String v = CompareReport.verdict(List.of(row("mlp", 0.88, 60, 5), row("cnn", 0.91, 600, 5)));
        assertEquals("cnn won with 91.00% test accuracy, using 1,000 parameters and 10.0 min of training (2.0 min per "
                + "epoch). The quickest to train, mlp, reached 88.00% in 60.0 s: 3.00 points less for 10.0× less "
                + "training time.", v);
    }

    @Test
    void underEqualTimeTheVerdictNamesTheRunnerUp() {
        String v = CompareReport.verdict(List.of(row("mlp", 0.89, 140, 13), row("cnn", 0.87, 145, 1.4),
                row("rnn", 0.85, 150, 1)));
        assertEquals("mlp won with 89.00% test accuracy, using 1,000 parameters and 2.3 min of training (10.8 s per "
                + "epoch). In the same training time the runner-up, cnn, reached 87.00% (2.00 points less) in 1.4 "
                + "epochs against 13.0.", v);
    }
}
