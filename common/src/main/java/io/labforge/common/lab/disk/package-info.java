/**
 * The disks feature's contracts (R3): the {@code disks} setting of a host, sizes, and the commands that
 * provision a disk with LVM and undo exactly what that did.
 */
package io.labforge.common.lab.disk;
