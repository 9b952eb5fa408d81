/** Disks on the host (R3): the disk found, every refusal before any change, LVM, filesystems, mounts and fstab, undone from what was created. */
package io.labforge.agent.executor.disk;
