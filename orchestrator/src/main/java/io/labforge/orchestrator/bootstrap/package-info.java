/** The agent installed on a lab's hosts over SSH (sshj), host keys trusted on first use. */
package io.labforge.orchestrator.bootstrap;
