/** A command that changes nothing, for the benchmark's simulated hosts and the saga's tests. */
package io.labforge.agent.executor.noop;
