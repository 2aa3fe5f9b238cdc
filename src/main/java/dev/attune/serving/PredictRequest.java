package dev.attune.serving;

import java.util.List;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A predict request: one {@code text} or several {@code texts} (exactly one of the two), and on
 * {@code /predict} optionally the id of the {@code model} to use instead of the serving one. How many
 * texts one request may hold is the operator's {@code attune.predict.max-batch}, checked by the service.
 */
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
