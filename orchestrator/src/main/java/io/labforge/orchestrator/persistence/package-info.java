/** PostgreSQL: labs, sagas and steps, the outbox, the inbox, hosts; secret outputs sealed at rest. */
package io.labforge.orchestrator.persistence;
