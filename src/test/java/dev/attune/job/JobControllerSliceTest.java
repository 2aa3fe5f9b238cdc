package dev.attune.job;

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

import dev.attune.errors.Conflict;
import dev.attune.errors.NotFound;
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
 * The job API's web layer alone (no engine, no database): request parsing and the mapping of the
 * service's domain failures to problem+json. The service is a stand-in here on purpose; the real
 * one is exercised end to end in JobApiTest.
 */
@WebMvcTest(JobController.class)
@Import(JobControllerSliceTest.WebEdge.class)
class JobControllerSliceTest {

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
    JobEvents events;

    @MockitoBean
    JobLog jobLog;

    @Test
    void domainFailuresBecomeTheirStatuses() throws Exception {
        given(jobs.get("missing")).willThrow(NotFound.of("Job", "missing"));
        mvc.perform(get("/api/v1/jobs/missing"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.title").value("Job not found"));

        given(jobs.cancel("done")).willThrow(new Conflict("Job already finished", "Job done is SUCCEEDED."));
        mvc.perform(post("/api/v1/jobs/done/cancel"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.detail").value("Job done is SUCCEEDED."));
    }

    @Test
    void anUnknownStatusFilterIsABadRequest() throws Exception {
        mvc.perform(get("/api/v1/jobs").param("status", "DONE"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }
}
