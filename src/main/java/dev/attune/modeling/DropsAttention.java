package dev.attune.modeling;

/**
 * A block that drops attention probabilities while training (its config's attention dropout until told otherwise):
 * {@link ClassifierModel#useAttentionDropout} sets the rate of every one in a model.
 */
public interface DropsAttention {

    void useAttentionDropout(float rate);

    /** The rate it drops attention probabilities at while training. */
    float attentionDropout();
}
