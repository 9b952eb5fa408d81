-- Who signed the message a row records (the worker whose step event it is; null for the orchestrator's
-- own decisions and API calls, whose actor says who acted). Part of the row's hash when present.
ALTER TABLE audit_log ADD COLUMN signer text;

-- The orchestrator signs the chain's head (Ed25519, its command key) when a saga ends: a rewrite of the
-- log up to a sealed row, even one that recomputes every hash, no longer matches the seal.
CREATE TABLE audit_seal (
    seq        bigint PRIMARY KEY,       -- the row sealed: the head when the saga ended
    hash       text NOT NULL,            -- that row's hash
    saga_id    uuid,
    sealed_at  timestamptz NOT NULL,
    signature  text NOT NULL             -- Base64 Ed25519 over "labforge-audit-seal\n<seq>\n<hash>"
);
