package dev.attune.finetune;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.attune.errors.Overloaded;
import dev.attune.job.JobService;
import dev.attune.system.AttuneProperties;
import dev.attune.system.LocalNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The fine-tuning submission's web layer alone (no engine, no database): request parsing and the mapping of the
 * queue's refusal to problem+json. The checks and the queue are stand-ins here on purpose; the real ones are
 * exercised end to end in JobApiTest.
 */
@WebMvcTest(FineTuningController.class)
@Import(FineTuningControllerSliceTest.WebEdge.class)
class FineTuningControllerSliceTest {

    /** What the slice's problem handler and filters need: the operator's configuration, this node's roles, the disk guard. */
    @EnableConfigurationProperties(AttuneProperties.class)
    @Import({LocalNode.class, dev.attune.system.DataDiskGuard.class})
    static class WebEdge {
    }

    @Autowired
    MockMvc mvc;

    @MockitoBean
    JobService jobs;

    @MockitoBean
    SubmissionChecks checks;

    @Test
    void anUnknownFieldIsRefusedBeforeTheServiceSeesTheRequest() throws Exception {
        mvc.perform(post("/api/v1/jobs").contentType(MediaType.APPLICATION_JSON).content("{\"datasetId\": \"d\", \"epoch\": 2}"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.title").value("Unknown field"))
                .andExpect(jsonPath("$.field").value("epoch"));
        verify(jobs, never()).enqueue(any(String.class), any());
    }

    @Test
    void aFractionForAWholeNumberNamesTheField() throws Exception {
        mvc.perform(post("/api/v1/jobs").contentType(MediaType.APPLICATION_JSON).content("{\"epochs\": 1.5}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("epochs"));
    }

    @Test
    void aFullQueueIsATooManyRequestsWithRetryAfter() throws Exception {
        given(jobs.enqueue(any(String.class), any())).willThrow(new Overloaded("Queue full", "There are already 100 queued jobs.").retryAfter(60));
        mvc.perform(post("/api/v1/jobs").contentType(MediaType.APPLICATION_JSON).content("{\"datasetId\": \"d\"}"))
                .andExpect(status().isTooManyRequests())
                .andExpect(header().string("Retry-After", "60"));
    }
}
