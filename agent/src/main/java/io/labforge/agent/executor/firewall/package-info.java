/** The firewall on the host (R2, R16): openings through firewalld when it runs, nftables otherwise; the undo closes only what was opened. */
package io.labforge.agent.executor.firewall;
