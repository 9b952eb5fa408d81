-- The hosts each saga changes (the targets of its agents' steps): at most one running saga of mode
-- APPLY may hold a host, and compensating a saga finds the later sagas that changed the same hosts.
CREATE TABLE saga_host (
    saga_id  uuid NOT NULL REFERENCES saga (id),
    host     text NOT NULL,
    PRIMARY KEY (saga_id, host)
);
CREATE INDEX saga_host_by_host ON saga_host (host);

-- the sagas recorded before this table
INSERT INTO saga_host (saga_id, host)
    SELECT DISTINCT saga_id, spec ->> 'target' FROM step WHERE spec ->> 'commandType' LIKE 'agent.%';
