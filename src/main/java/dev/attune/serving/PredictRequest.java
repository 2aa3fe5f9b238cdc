package dev.attune.serving;

import java.util.List;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A predict request: one text or several (exactly one of the two). How many texts one request may
 * hold is the operator's {@code attune.predict.max-batch}, checked by the service.
 *
 * @param text the text to classify
 * @param texts several texts to classify, answered in order
 * @param model on /predict, the id of a registered model to use instead of the serving one
 */
@Schema(example = "{\"text\": \"a gorgeous, witty, seductive movie\"}", description = "Send exactly one of "
        + "\"text\" (one string) or \"texts\" (a non-empty array of strings); both, or neither, is a 400.")
record PredictRequest(
        @Schema(example = "a gorgeous, witty, seductive movie") String text,
        @Schema(example = "[\"great fun\", \"a dull mess\"]") List<@NotBlank(message = "is empty; send the text to classify") String> texts,
        @Schema(example = "3f2b8c1e-5d7a-4e9b-8c2d-1a2b3c4d5e6f") String model) {

    /** An empty {@code texts} beside {@code text} counts as absent: generated clients send [] for unset lists. */
    @JsonIgnore
    @AssertTrue(message = "send exactly one of \"text\" (a string) or \"texts\" (a non-empty array of strings)")
    boolean isExactlyOneOfTextAndTexts() {
        return (text != null) != hasTexts();
    }

    @JsonIgnore
    @AssertTrue(message = "\"text\" is empty; send the text to classify")
    boolean isTextNonBlankWhenGiven() {
        return text == null || !text.isBlank();
    }

    /** The texts to classify, in order. */
    List<String> allTexts() {
        return text != null ? List.of(text) : texts;
    }

    private boolean hasTexts() {
        return texts != null && !texts.isEmpty();
    }
}
