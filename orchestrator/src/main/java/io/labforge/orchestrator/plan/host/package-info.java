/** Host basics' planning (R1): hostnames and {@code /etc/hosts}; a host's chain starts here. */
package io.labforge.orchestrator.plan.host;
