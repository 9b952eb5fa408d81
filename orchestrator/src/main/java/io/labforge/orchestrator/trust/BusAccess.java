package io.labforge.orchestrator.trust;

/**
 * What a worker may do on Kafka: the broker's ACLs for its principal. Granting for a new principal
 * takes every right from the one it replaces.
 */
public interface BusAccess {
    /** Grants {@code worker}'s rights to {@code principal}; {@code previous} (null: none) loses its own. */
    void grant(String worker, String principal, String previous);

    /** Lets {@code principal} read the audit topic in its own consumer group {@code group}, and nothing else. */
    void grantAuditor(String principal, String group);

    /** Takes every right from {@code principal} (its worker was removed). */
    void revoke(String principal);
}
