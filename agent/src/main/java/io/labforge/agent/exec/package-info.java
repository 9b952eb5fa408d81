/** What the agent's executors share: files written safely, names checked, apt, systemd services. */
package io.labforge.agent.exec;
