/**
 * Docker Swarm's contracts (R17–R23): the {@code swarm} section of the lab file (nodes, registry,
 * services, availability, stacks, Prometheus), the agent's commands on the nodes and cluster-service's
 * commands through a manager's Engine API.
 */
package io.labforge.common.lab.swarm;
