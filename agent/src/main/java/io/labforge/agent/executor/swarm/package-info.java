/** Swarm on its nodes (R17, R20): init, join and leave; stacks built, pushed and deployed with the Docker CLI. */
package io.labforge.agent.executor.swarm;
