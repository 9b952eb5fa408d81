-- The relay deletes acknowledged rows by message id (rows handed to it in memory after their commit
-- do not carry their serial id), and sweeps rows by age.
CREATE INDEX outbox_message_id ON outbox (message_id);
CREATE INDEX outbox_created_at ON outbox (created_at);
