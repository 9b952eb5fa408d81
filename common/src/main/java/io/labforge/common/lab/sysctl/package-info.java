/** Kernel parameters' contracts: the {@code sysctl} setting of hosts and roles and the commands that set and restore them. */
package io.labforge.common.lab.sysctl;
