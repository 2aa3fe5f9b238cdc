package dev.attune.serving;

import java.util.List;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

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
@Schema(example = "{\"text\": \"a gorgeous, witty, seductive movie\"}")
record PredictRequest(
        String text,
        @Size(min = 1, message = "must be a non-empty array of strings") List<@NotBlank(
                message = "is empty; send the text to classify") String> texts,
        String model) {

    @JsonIgnore
    @AssertTrue(message = "send exactly one of \"text\" (a string) or \"texts\" (an array of strings)")
    boolean isExactlyOneOfTextAndTexts() {
        return (text == null) != (texts == null);
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
}
