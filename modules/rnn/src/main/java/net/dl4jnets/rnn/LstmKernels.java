package net.dl4jnets.rnn;

import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;

import net.dl4jnets.common.nn.LayerAcceleration;

/** The fast engine's LSTM: DL4J's {@link LSTM} computed by {@link FusedLstm}, without an input gradient for data. */
public final class LstmKernels implements LayerAcceleration {
    @Override
    public Layer fast(Layer stock, boolean readsData) {
        if (stock.getClass() != LSTM.class) {
            return null;
        }
        FusedLstm lstm = FusedLstm.of((LSTM) stock);
        return readsData ? lstm.readingData() : lstm;
    }
}
