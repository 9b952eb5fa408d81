/**
 * Who executes a command: the marker interfaces of the four kinds of workers (agent, cluster-service,
 * gitlab-service, the orchestrator itself) and the targets of the services. The command records
 * themselves live with their feature.
 */
package io.labforge.common.command;
