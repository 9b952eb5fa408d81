-- Which orchestrator owns the sagas: a lease renewed by its holder, and a fencing epoch raised by
-- every takeover. Each saga transaction first reads the epoch (FOR SHARE) and goes on only if it is the
-- one its orchestrator took: an owner that lost the lease cannot write any more.
CREATE TABLE saga_owner (
    id           int PRIMARY KEY CHECK (id = 1),
    epoch        bigint NOT NULL,
    holder       text,
    lease_until  timestamptz NOT NULL
);
INSERT INTO saga_owner (id, epoch, holder, lease_until) VALUES (1, 0, NULL, '-infinity');
