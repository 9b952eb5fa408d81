/** Local lab hosts: containers on this machine's Docker daemon, qemu VMs for hosts with disks. */
package io.labforge.devrig.labhosts;
