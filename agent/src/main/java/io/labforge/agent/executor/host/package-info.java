/** Host basics on the host (R1): its name and the block of /etc/hosts Labforge owns, each with its undo. */
package io.labforge.agent.executor.host;
