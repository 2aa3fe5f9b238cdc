package dev.attune.modeling.roberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.attune.modeling.ModelConfig;
import dev.attune.modeling.bert.BertModel;

/** RobertaModel: BERT's layers with positions counted from padding_idx + 1, skipping padding. */
final class RobertaModel extends BertModel {

    private final int paddingIdx;

    RobertaModel(ModelConfig config) {
        super(config, false);
        paddingIdx = config.padTokenId();
    }

    /** transformers' create_position_ids_from_input_ids: cumsum(mask) * mask + padding_idx. */
    @Override
    protected NDArray positionIds(NDArray inputIds) {
        NDArray mask = inputIds.neq(paddingIdx).toType(DataType.INT64, false); // (B, T)
        return mask.cumSum(1).mul(mask).add(paddingIdx); // (B, T)
    }
}
