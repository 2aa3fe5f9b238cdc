package dev.attune.modeling;

/**
 * The config.json names of the fields {@link ModelConfig} reads, which differ by architecture
 * (DistilBERT says dim and n_layers where BERT says hidden_size and num_hidden_layers). Each
 * architecture's package declares its own; {@link Architectures} picks one by model_type.
 *
 * @param classifierDropoutDefault used when the classifier dropout is absent; null: the hidden dropout
 * @param tokenTypes whether the model has token type embeddings (type_vocab_size)
 * @param layerNormEps the key of the layer-norm epsilon; null: always 1e-12
 */
public record ConfigKeys(String hiddenSize, String numLayers, String numHeads, String intermediateSize,
        String activation, String hiddenDropout, String attentionDropout, String classifierDropout,
        Double classifierDropoutDefault, boolean tokenTypes, String layerNormEps) {

    /** BERT's names, also used by RoBERTa, XLM-R and CamemBERT. */
    public static final ConfigKeys BERT = new ConfigKeys("hidden_size", "num_hidden_layers", "num_attention_heads",
            "intermediate_size", "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob",
            "classifier_dropout", null, true, "layer_norm_eps");
}
