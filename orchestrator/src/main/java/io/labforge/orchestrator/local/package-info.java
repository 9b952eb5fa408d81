/** The steps the orchestrator runs itself: certificates signed by the lab's CA, the lab's CA, lab secrets. */
package io.labforge.orchestrator.local;
