/** What the agent says of its host when it announces itself: its facts (OS, addresses, disks, sealing key). */
package io.labforge.agent.runtime;
