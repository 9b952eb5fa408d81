package io.labforge.common.lab.disk;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import java.util.List;

/** Undoes {@link EnsureDisk}: only what it created, in reverse (unmount, fstab, lvremove, vgremove, pvremove). */
@Message(name = "agent.RemoveDisk")
public record RemoveDisk(String device, String volumeGroup, boolean pvCreated, boolean vgCreated, List<String> lvsCreated,
        List<String> fstabAdded, List<String> mounted) implements AgentCommand {
}
