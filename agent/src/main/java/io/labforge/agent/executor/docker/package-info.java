/** Docker on the host (R4, R15, R19): installed from the distribution, daemon.json set and the daemon restarted only on change. */
package io.labforge.agent.executor.docker;
