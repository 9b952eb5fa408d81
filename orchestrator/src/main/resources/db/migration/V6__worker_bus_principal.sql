-- The principal each worker's Kafka certificate names (its name and its TLS key's id): the broker's ACLs
-- grant rights to it, and take them from the one it replaces.
ALTER TABLE worker_identity ADD COLUMN bus_principal text;
