package net.dl4jnets.layers;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The DL4J layer that runs a {@link TokenLayer}: it holds the parameters and their gradient views, calls the
 * configuration's forward pass (in training inside the workspace that lives until back-propagation ends, so that
 * what the pass saves is still there for its backward pass) and its backward pass.
 */
final class TokenLayerRuntime extends AbstractLayer<TokenLayer> {
    private INDArray params;
    private INDArray gradients;
    private Map<String, INDArray> paramTable;
    private Map<String, INDArray> gradTable;
    private final Map<String, INDArray> saved = new HashMap<>();
    private INDArray forwardInput; // the input of the training pass whose values `saved` holds

    TokenLayerRuntime(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr ws) {
        assertInputSet(false);
        return ws.leverageTo(ArrayType.ACTIVATIONS, forward(training, ws));
    }

    private INDArray forward(boolean training, LayerWorkspaceMgr ws) {
        saved.clear();
        forwardInput = null;
        if (!training) {
            INDArray out = layerConf().forward(input.castTo(dataType), paramTable, saved);
            saved.clear(); // nothing will go back through this pass
            return out;
        }
        // What the pass saves must outlive this layer's forward working memory, until back-propagation is over.
        try (MemoryWorkspace kept = ws.notifyScopeBorrowed(ArrayType.INPUT)) {
            INDArray out = layerConf().forward(input.castTo(dataType), paramTable, saved);
            forwardInput = input;
            return out;
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr ws) {
        assertInputSet(true);
        if (forwardInput != input) {
            forward(true, ws);
        }
        INDArray dx = layerConf().backward(epsilon.castTo(dataType), input.castTo(dataType), paramTable, gradTable,
                saved);
        saved.clear();
        forwardInput = null;
        Gradient g = new DefaultGradient();
        if (gradTable != null) {
            gradTable.forEach((name, grad) -> g.gradientForVariable().put(name, grad));
        }
        return new Pair<>(g, dx == null ? null : ws.leverageTo(ArrayType.ACTIVATION_GRAD, dx));
    }

    @Override
    public void clear() {
        super.clear();
        saved.clear();
        forwardInput = null;
    }

    @Override
    public Layer clone() {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
        // no weight noise
    }

    @Override
    public INDArray params() {
        return params;
    }

    @Override
    public INDArray getParam(String param) {
        return paramTable.get(param);
    }

    @Override
    public long numParams() {
        return params == null ? 0 : params.length();
    }

    @Override
    public void setParam(String key, INDArray val) {
        INDArray current = paramTable.get(key);
        if (current == null) {
            throw new IllegalArgumentException("no parameter \"" + key + "\" in layer " + layerConf().getLayerName());
        }
        if (!Arrays.equals(current.shape(), val.shape())) {
            throw new IllegalArgumentException("parameter \"" + key + "\" has shape " + Arrays.toString(current.shape())
                    + ", got " + Arrays.toString(val.shape()));
        }
        current.assign(val);
    }

    @Override
    public void setParams(INDArray params) {
        if (params == null && this.params == null) {
            return;
        }
        if (params == null || this.params == null || params.length() != this.params.length()) {
            throw new IllegalArgumentException("layer " + layerConf().getLayerName() + " has " + numParams()
                    + " parameters, got " + (params == null ? "none" : params.length()));
        }
        this.params.assign(params);
    }

    @Override
    public void setParamsViewArray(INDArray params) {
        this.params = params;
    }

    @Override
    public INDArray getGradientsViewArray() {
        return gradients;
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray gradients) {
        this.gradients = gradients;
        this.gradTable = layerConf().initializer().getGradientsFromFlattened(conf(), gradients);
    }

    @Override
    public void setParamTable(Map<String, INDArray> paramTable) {
        if (this.paramTable == null) {
            this.paramTable = paramTable;
        } else {
            paramTable.forEach(this::setParam);
        }
    }

    @Override
    public Map<String, INDArray> paramTable() {
        return paramTable;
    }

    @Override
    public Map<String, INDArray> paramTable(boolean backpropParamsOnly) {
        return paramTable;
    }
}
