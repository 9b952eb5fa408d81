/** Docker Swarm's planning (R17–R23): the lab's registry, init and joins, cluster-service's steps, stacks; scale and status. */
package io.labforge.orchestrator.plan.swarm;
