package dev.attune.serving;

import java.util.List;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.swagger.v3.oas.annotations.media.Schema;

import dev.attune.modeling.LongText;

/**
 * A predict request: one text, several, or (for a sentence-pair model) one text with its pair or several
 * pairs: exactly one of "text", "texts" and "pairs". How many texts one request may hold is the
 * operator's {@code attune.predict.max-batch}, checked by the service.
 *
 * @param text the text to classify
 * @param textPair for a sentence-pair model, the second text of {@code text} (a hypothesis, a candidate answer)
 * @param texts several texts to classify, answered in order
 * @param pairs for a sentence-pair model, several [text, textPair] pairs, answered in order
 * @param model on /predict, the id of a registered model to use instead of the serving one
 * @param deployment on /predict, the deployment to ask (its model, or its canary for the canary's share)
 * @param longText how a text longer than the model's maxLength is read, for this call: truncate, head_tail or
 *     sliding_window; default: as the model was trained (its job's longText)
 * @param explain true: each prediction carries its explanation, every word's integrated-gradients attribution toward
 *     the predicted label (at most attune.predict.explain.max-texts texts or pairs; not with sliding windows over a
 *     long text)
 * @param explainLabel with explain: the label to explain instead of the predicted one
 * @param steps with explain: points on the integrated-gradients path (default attune.predict.explain.default-steps,
 *     32; 2..attune.predict.explain.max-steps)
 */
@Schema(example = "{\"text\": \"a gorgeous, witty, seductive movie\"}", description = "Send exactly one of "
        + "\"text\" (one string, with \"textPair\" for a pair model), \"texts\" (a non-empty array of strings) or "
        + "\"pairs\" (a non-empty array of [text, textPair] arrays, for a pair model); more than one, or none, is a 400.")
record PredictRequest(
        @Schema(example = "a gorgeous, witty, seductive movie") String text,
        @Schema(example = "The movie is good.") String textPair,
        @Schema(example = "[\"great fun\", \"a dull mess\"]") List<@NotBlank(message = "is empty; send the text to classify") String> texts,
        @Schema(example = "[[\"A man plays a guitar.\", \"Someone makes music.\"]]") List<List<String>> pairs,
        @Schema(example = "3f2b8c1e-5d7a-4e9b-8c2d-1a2b3c4d5e6f") String model,
        @Schema(example = "default") String deployment,
        @Schema(example = "sliding_window") LongText longText,
        @Schema(example = "false") Boolean explain,
        @Schema(example = "positive") String explainLabel,
        @Schema(example = "32") Integer steps) {

    /** Whether the answer should carry explanations. */
    boolean explained() {
        return Boolean.TRUE.equals(explain);
    }

    @JsonIgnore
    @AssertTrue(message = "\"explainLabel\" and \"steps\" go with \"explain\": true")
    boolean isExplainOptionsWithExplain() {
        return explained() || explainLabel == null && steps == null;
    }

    /** Empty lists count as absent: generated clients send [] for unset lists. */
    @JsonIgnore
    @AssertTrue(message = "send exactly one of \"text\" (a string), \"texts\" (a non-empty array of strings) or "
            + "\"pairs\" (a non-empty array of [text, textPair] arrays)")
    boolean isExactlyOneOfTextTextsAndPairs() {
        return (text != null ? 1 : 0) + (hasTexts() ? 1 : 0) + (hasPairs() ? 1 : 0) == 1;
    }

    @JsonIgnore
    @AssertTrue(message = "\"text\" is empty; send the text to classify")
    boolean isTextNonBlankWhenGiven() {
        return text == null || !text.isBlank();
    }

    @JsonIgnore
    @AssertTrue(message = "\"textPair\" goes with \"text\" and must not be empty; for several pairs send \"pairs\"")
    boolean isTextPairBesideText() {
        return textPair == null || text != null && !textPair.isBlank();
    }

    @JsonIgnore
    @AssertTrue(message = "each entry of \"pairs\" must be [text, textPair]: two non-empty strings")
    boolean isEveryPairTwoTexts() {
        return !hasPairs() || pairs.stream().allMatch(pair -> pair != null && pair.size() == 2
                && pair.stream().allMatch(t -> t != null && !t.isBlank()));
    }

    /** The (first) texts to classify, in order. */
    List<String> allTexts() {
        return text != null ? List.of(text) : hasPairs() ? pairs.stream().map(pair -> pair.get(0)).toList() : texts;
    }

    /** Each text's pair, in order; null when the request has single texts. */
    List<String> allPairs() {
        return textPair != null ? List.of(textPair) : hasPairs() ? pairs.stream().map(pair -> pair.get(1)).toList()
                : null;
    }

    private boolean hasTexts() {
        return texts != null && !texts.isEmpty();
    }

    private boolean hasPairs() {
        return pairs != null && !pairs.isEmpty();
    }
}
