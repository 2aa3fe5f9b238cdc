package dev.attune.explain;

import java.util.function.Function;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.Embedding;
import dev.attune.modeling.WordEmbeddingOverride;

/**
 * Integrated gradients of one output of a libtorch classifier on the word embeddings of one text, as Captum's
 * {@code LayerIntegratedGradients(model, model.<base>.embeddings.word_embeddings)}: the input is the text's word
 * embeddings, the baseline the same special tokens around padding tokens; positions, token types and the attention
 * mask stay the text's. Everything runs in one scope freed at the end.
 */
final class ModelAttributions {

    private ModelAttributions() {
    }

    /**
     * @param output the output attributed: a label's logit, or a regression's value (0)
     * @param perPass points on the path per forward pass
     */
    static IntegratedGradients.Result of(ClassifierModel model, ReadText read, int output, int steps, int perPass) {
        Embedding table = WordEmbeddingOverride.wordEmbeddings(model.block());
        int tokens = read.ids().length;
        try (NDManager scope = model.manager().newSubManager()) {
            ParameterStore store = new ParameterStore(scope, false);
            NDArray x = table.apply(store, scope.create(read.ids(), new Shape(1, tokens)), false)
                    .squeeze(0); // (T, H)
            NDArray baseline = table.apply(store, scope.create(read.baselineIds(model.textEncoder().padId()),
                    new Shape(1, tokens)), false).squeeze(0); // (T, H)
            Function<NDArray, NDArray> forward = points -> {
                NDManager pass = points.getManager();
                long count = points.getShape().get(0);
                NDArray ids = pass.create(read.ids(), new Shape(1, tokens)).repeat(0, count); // (P, T)
                NDArray types = pass.create(read.typeIds(), new Shape(1, tokens)).repeat(0, count); // (P, T)
                NDList inputs = new NDList(ids, ids.onesLike(), types);
                NDArray logits = WordEmbeddingOverride.during(table, points,
                        () -> model.forward(inputs, false).get(0)); // (P, C)
                return logits.get(":, " + output); // (P)
            };
            return IntegratedGradients.attribute(x, baseline, forward, steps, perPass);
        }
    }

    /** The model's outputs (logits) for token ids, by a plain forward pass: what the attributions' ends must equal. */
    static float[] logits(ClassifierModel model, long[] ids, long[] typeIds) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray idArray = scope.create(ids, new Shape(1, ids.length));
            NDList inputs = new NDList(idArray, idArray.onesLike(), scope.create(typeIds, new Shape(1, ids.length)));
            return model.forward(inputs, false).get(0).toFloatArray();
        }
    }
}
