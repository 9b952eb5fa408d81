/** Docker's planning (R4, R15, R19): installation, the Engine API's TLS, {@code daemon.json}, in each host's chain. */
package io.labforge.orchestrator.plan.docker;
