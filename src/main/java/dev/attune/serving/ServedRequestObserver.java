package dev.attune.serving;

/**
 * Sees every predict request answered on this node. Called on the request's thread after its answer is made:
 * keep it cheap (count, sample, hand off), and never throw (a failure is logged and the answer still goes out).
 */
public interface ServedRequestObserver {

    void served(ServedRequest request);
}
