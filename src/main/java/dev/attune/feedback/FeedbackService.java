package dev.attune.feedback;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import dev.attune.errors.InvalidInput;
import dev.attune.errors.NotFound;
import dev.attune.errors.TooLarge;
import dev.attune.system.AttuneProperties;
import dev.attune.system.Callers;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Stores feedback: one correction or a batch, all checked first, then all stored in one transaction or none. */
@Service
class FeedbackService {

    private final FeedbackChecks checks;
    private final FeedbackRepository repository;
    private final TransactionTemplate transactions;
    private final int maxBatch;

    FeedbackService(FeedbackChecks checks, FeedbackRepository repository, TransactionTemplate transactions,
            AttuneProperties properties) {
        this.checks = checks;
        this.repository = repository;
        this.transactions = transactions;
        this.maxBatch = properties.feedback().maxBatch();
    }

    FeedbackResponse give(FeedbackRequest item) {
        if (item == null) {
            throw new InvalidInput("Invalid feedback", "The body is empty: send {\"requestId\": \"...\", \"label\": "
                    + "\"...\"} or {\"text\": \"...\", \"model\": \"...\", \"label\": \"...\"}.");
        }
        FeedbackChecks.Checked checked = checks.check(item);
        if (checked.feedback() == null) {
            String detail = Character.toUpperCase(checked.problem().charAt(0)) + checked.problem().substring(1) + ".";
            throw checked.notFound() ? new NotFound("Request not logged", detail)
                    : new InvalidInput("Invalid feedback", detail).with("errors", List.of(checked.problem()));
        }
        return store(List.of(checked.feedback())).items().get(0);
    }

    /** Every item checked, every problem listed with its position; nothing stored unless all are right. */
    FeedbackResponse.Batch giveAll(List<FeedbackRequest> items) {
        if (items == null || items.isEmpty()) {
            throw new InvalidInput("Invalid feedback batch", "The batch is empty: send a JSON array of feedback "
                    + "objects (1 to " + maxBatch + ").");
        }
        if (items.size() > maxBatch) {
            throw new TooLarge("Feedback batch too large", "The batch holds " + items.size() + " items; at most "
                    + maxBatch + " (attune.feedback.max-batch). Split it.");
        }
        List<Feedback> feedback = new ArrayList<>(items.size());
        List<String> problems = new ArrayList<>();
        boolean onlyNotFound = true;
        for (int i = 0; i < items.size(); i++) {
            FeedbackChecks.Checked checked = items.get(i) == null ? FeedbackChecks.Checked.wrong("is null")
                    : checks.check(items.get(i));
            if (checked.feedback() == null) {
                problems.add("[" + i + "]: " + checked.problem());
                onlyNotFound &= checked.notFound();
            }
            feedback.add(checked.feedback());
        }
        if (!problems.isEmpty()) {
            String lead = "Nothing was stored; " + problems.size() + " of " + items.size() + " items are wrong";
            if (onlyNotFound) {
                throw new NotFound("Requests not logged", lead + ": " + String.join("; ", problems) + ".")
                        .with("errors", problems);
            }
            throw InvalidInput.listing("Invalid feedback batch", lead, problems);
        }
        return store(feedback);
    }

    /**
     * In one transaction, in the order of the requests they name (two batches naming the same requests lock their
     * log rows in one order, never waiting on each other in a cycle); a request named twice: the later one counts.
     */
    private FeedbackResponse.Batch store(List<Feedback> feedback) {
        String caller = Callers.keyName();
        List<Integer> order = IntStream.range(0, feedback.size()).boxed()
                .sorted(Comparator.comparing((Integer i) -> String.valueOf(feedback.get(i).requestId()))
                        .thenComparing(i -> feedback.get(i).index() == null ? 0 : feedback.get(i).index()))
                .toList();
        boolean[] replaced = new boolean[feedback.size()];
        transactions.executeWithoutResult(status -> {
            for (int i : order) {
                replaced[i] = repository.save(feedback.get(i), caller);
            }
        });
        List<FeedbackResponse> items = new ArrayList<>(feedback.size());
        int replacedCount = 0;
        for (int i = 0; i < feedback.size(); i++) {
            items.add(FeedbackResponse.of(feedback.get(i), replaced[i]));
            replacedCount += replaced[i] ? 1 : 0;
        }
        return new FeedbackResponse.Batch(items.size(), replacedCount, items);
    }
}
