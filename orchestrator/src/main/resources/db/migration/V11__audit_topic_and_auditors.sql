-- The audit topic (labforge.audit): the last audit row the owner published there (at least once: a crash between a
-- send and this update sends the rows after it again; readers drop an event id they have seen).
CREATE TABLE audit_topic (
    id       int PRIMARY KEY CHECK (id = 1),
    last_seq bigint NOT NULL
);
INSERT INTO audit_topic VALUES (1, 0);

-- Auditors: principals with a bus certificate that may read the audit topic, in their own consumer group, and nothing else.
CREATE TABLE auditor (
    name          text PRIMARY KEY,
    bus_principal text NOT NULL,
    registered_at timestamptz NOT NULL,
    registered_by text NOT NULL
);
