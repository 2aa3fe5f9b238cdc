package dev.attune.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import dev.attune.errors.AttuneException;
import org.junit.jupiter.api.Test;

/** Every kind of domain failure has its HTTP status: adding a kind without one fails here. */
class ProblemHandlerTest {

    @Test
    void everyKindOfFailureMapsToAStatus() {
        assertThat(Arrays.asList(AttuneException.class.getPermittedSubclasses()))
                .containsExactlyInAnyOrderElementsOf(ProblemHandler.STATUS.keySet());
    }
}
