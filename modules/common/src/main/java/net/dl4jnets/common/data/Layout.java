package net.dl4jnets.common.data;

import org.deeplearning4j.nn.conf.inputs.InputType;

/** How an image is laid out for a network's input. */
public enum Layout {
    /** A vector of 784 pixels: [batch, 784], for dense layers. */
    DENSE,
    /** One channel of 28x28: [batch, 1, 28, 28] (NCHW), for convolutions. */
    CONV,
    /** 28 time steps of 28 features, one row per step: [batch, 28, 28] (NCW: features before time), for RNNs. */
    SEQUENCE;

    public InputType inputType() {
        return switch (this) {
            case DENSE -> InputType.feedForward(FashionMnist.PIXELS);
            case CONV -> InputType.convolutional(FashionMnist.ROWS, FashionMnist.COLS, 1);
            case SEQUENCE -> InputType.recurrent(FashionMnist.COLS, FashionMnist.ROWS);
        };
    }

    /** The shape of a batch of {@code batch} images in this layout. */
    public long[] shape(int batch) {
        return switch (this) {
            case DENSE -> new long[] {batch, FashionMnist.PIXELS};
            case CONV -> new long[] {batch, 1, FashionMnist.ROWS, FashionMnist.COLS};
            case SEQUENCE -> new long[] {batch, FashionMnist.COLS, FashionMnist.ROWS};
        };
    }
}
