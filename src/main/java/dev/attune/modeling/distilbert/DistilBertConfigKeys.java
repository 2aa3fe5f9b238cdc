package dev.attune.modeling.distilbert;

import dev.attune.modeling.ConfigKeys;

/** DistilBERT's config.json names (transformers' DistilBertConfig): no token types, fixed epsilon. */
public final class DistilBertConfigKeys {

    public static final ConfigKeys KEYS = new ConfigKeys("dim", "n_layers", "n_heads", "hidden_dim", "activation",
            "dropout", "attention_dropout", "seq_classif_dropout", 0.2, false, null);

    private DistilBertConfigKeys() {
    }
}
