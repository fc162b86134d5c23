package net.dl4jnets.cnn;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.IdxFixtures;
import net.dl4jnets.common.data.ImageBatches;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.report.PngAssert;
import net.dl4jnets.common.train.TrainingConfig;

class CnnPicturesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(FashionCnn.Arch.class)
    void everyArchitectureDrawsItsFiltersAndFeatureMaps(FashionCnn.Arch arch) {
        ComputationGraph g = new ComputationGraph(FashionCnn.graph(FashionCnn.Config.DEFAULT.withArch(arch),
                TrainingConfig.DEFAULTS, Layout.CONV));
        g.init();
        FashionMnist data = IdxFixtures.synthetic(10, 20);
        Path filters = dir.resolve(arch.id() + "-filters.png");
        CnnPictures.filters(filters, g, arch.id());
        PngAssert.valid(filters, 100, 100);
        List<Path> maps = CnnPictures.featureMaps(dir, g, arch.id(), data.test().all(),
                new ImageBatches.Options(Layout.CONV, 32, false, 0, null, null));
        assertFalse(maps.isEmpty(), arch + " drew no feature maps");
        for (Path p : maps) {
            PngAssert.valid(p, 100, 100);
        }
    }
}
