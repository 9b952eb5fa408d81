/** The firewall's planning (R2, R16): one step per host, with every feature's openings merged in. */
package io.labforge.orchestrator.plan.firewall;
