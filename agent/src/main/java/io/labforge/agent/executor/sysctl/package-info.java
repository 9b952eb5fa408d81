/** Kernel parameters on the host: Labforge's file in /etc/sysctl.d and the running values, each with its undo. */
package io.labforge.agent.executor.sysctl;
