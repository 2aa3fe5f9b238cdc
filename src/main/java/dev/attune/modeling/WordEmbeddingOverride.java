package dev.attune.modeling;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;

/**
 * A forward pass that starts from given word embeddings instead of token ids, as Captum's LayerIntegratedGradients
 * hooks the word-embedding layer: while {@link #during} runs on a thread, the model's word-embedding table answers
 * with the given array ((B, T, H), gradients recorded on it when it requires them); position and token-type
 * embeddings, the mask and every other layer run as usual. Other threads, and every other forward pass, are untouched.
 */
public final class WordEmbeddingOverride {

    private record Active(Embedding table, NDArray output) {
    }

    private static final ThreadLocal<Active> ACTIVE = new ThreadLocal<>();
    /** Threads inside {@link #during}: zero on a node that never explains, so a lookup skips the thread-local. */
    private static final AtomicInteger IN_USE = new AtomicInteger();

    private WordEmbeddingOverride() {
    }

    /**
     * The word-embedding table of a model's block tree (transformers' {@code *.embeddings.word_embeddings}).
     *
     * @throws IllegalArgumentException when the block has none
     */
    public static Embedding wordEmbeddings(Block model) {
        return ParameterNames.of(model).entrySet().stream()
                .filter(e -> e.getKey().endsWith("embeddings.word_embeddings.weight"))
                .map(e -> e.getValue().owner()).filter(Embedding.class::isInstance).map(Embedding.class::cast)
                .findFirst().orElseThrow(() -> new IllegalArgumentException(model.getClass().getSimpleName()
                        + " has no embeddings.word_embeddings"));
    }

    /** Runs {@code forward} on this thread with {@code table} answering {@code output} (B, T, H). */
    public static <T> T during(Embedding table, NDArray output, Supplier<T> forward) {
        Active previous = ACTIVE.get();
        ACTIVE.set(new Active(table, output));
        IN_USE.incrementAndGet();
        try {
            return forward.get();
        } finally {
            IN_USE.decrementAndGet();
            ACTIVE.set(previous);
        }
    }

    /** What {@code table} answers for {@code ids} (B, T) on this thread: the override, else null (a normal lookup). */
    static NDArray outputOf(Embedding table, NDArray ids) {
        if (IN_USE.get() == 0) {
            return null;
        }
        Active active = ACTIVE.get();
        if (active == null || active.table() != table) {
            return null;
        }
        if (active.output().getShape().dimension() != 3
                || active.output().getShape().get(0) != ids.getShape().get(0)
                || active.output().getShape().get(1) != ids.getShape().get(1)) {
            throw new IllegalArgumentException("word embeddings " + active.output().getShape() + " do not match ids "
                    + ids.getShape());
        }
        return active.output();
    }
}
