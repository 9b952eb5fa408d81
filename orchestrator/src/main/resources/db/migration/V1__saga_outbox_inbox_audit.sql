-- Labforge orchestrator schema, version 1.
-- A saga's state, the commands it sends (outbox), the events it has taken (inbox) and the audit log
-- change together: every state change is one transaction over these tables.

CREATE TABLE lab (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    source      text NOT NULL,          -- the lab file as submitted
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE saga (
    id          uuid PRIMARY KEY,
    lab_id      text NOT NULL REFERENCES lab (id),
    mode        text NOT NULL CHECK (mode IN ('APPLY', 'PLAN')),
    policy      text NOT NULL CHECK (policy IN ('PAUSE', 'COMPENSATE')),
    status      text NOT NULL,
    actor       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX saga_active ON saga (status) WHERE status IN ('RUNNING', 'PAUSED', 'COMPENSATING');

CREATE TABLE step (
    saga_id               uuid NOT NULL REFERENCES saga (id),
    id                    text NOT NULL,
    ord                   int NOT NULL,
    spec                  jsonb NOT NULL,   -- type, target, inputs (with references), deps, timeout, retry, compensation
    state                 text NOT NULL,
    attempt               int NOT NULL DEFAULT 0,
    attempts_in_round     int NOT NULL DEFAULT 0,
    compensation_attempt  int NOT NULL DEFAULT 0,
    message_id            uuid,
    not_before            timestamptz,
    deadline              timestamptz,
    started_at            timestamptz,
    finished_at           timestamptz,
    outputs               jsonb,
    secret_outputs        jsonb,
    changed               boolean,
    diff                  text,
    error                 text,
    PRIMARY KEY (saga_id, id)
);

CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    topic       text NOT NULL,
    msg_key     text NOT NULL,
    message_id  uuid NOT NULL,
    envelope    bytea NOT NULL,          -- the signed envelope, as sent
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE inbox (
    message_id   uuid PRIMARY KEY,
    received_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE host (
    lab_host     text PRIMARY KEY,       -- the host id the agent was configured with
    facts        jsonb,
    agent_version text,
    announced_at timestamptz,
    last_seen    timestamptz
);

-- Append-only, hash-chained: each row holds the hash of the previous one; audit_head holds the last.
CREATE TABLE audit_log (
    seq         bigint PRIMARY KEY,
    at          timestamptz NOT NULL,
    actor       text NOT NULL,
    action      text NOT NULL,
    lab_id      text,
    saga_id     uuid,
    step_id     text,
    target      text,
    detail      jsonb NOT NULL,
    prev_hash   text NOT NULL,
    hash        text NOT NULL
);
CREATE INDEX audit_saga ON audit_log (saga_id, seq);

CREATE TABLE audit_head (
    id    int PRIMARY KEY CHECK (id = 1),
    seq   bigint NOT NULL,
    hash  text NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, 'genesis');

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
