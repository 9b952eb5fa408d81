-- Whom the orchestrator trusts on Kafka: each worker's (agent's, service's) Ed25519 public key, which
-- its step events and presence must be signed with, and the HPKE key secrets for it are sealed to.
-- Written by hosts bootstrap (read over the pinned SSH session) and by enrolment, both audited.
CREATE TABLE worker_identity (
    worker        text PRIMARY KEY,
    signing_key   text NOT NULL,
    sealing_key   text NOT NULL,
    fingerprint   text NOT NULL,
    registered_at timestamptz NOT NULL,
    registered_by text NOT NULL
);
